"""The rules of saving and submitting, at the service level."""

import datetime

import pytest
from django.utils import timezone

from questionnaire.models import AnswerChange, Submission, SubmissionEvent
from questionnaire.services.answers import (
    AnswerInput,
    IncompleteSubmission,
    NotEditable,
    StaleSave,
    save_draft,
    submit,
)
from tests.factories import CountryFactory, FocalPointFactory

from .factories import answer_all


def save(submission, by, answers, *, base_revision=None, general_comment=""):
    return save_draft(
        submission=submission,
        by=by,
        base_revision=submission.revision if base_revision is None else base_revision,
        answers=answers,
        general_comment=general_comment,
    )


def test_saving_a_draft_keeps_any_subset_of_answers_exactly_as_entered(draft, focal_point):
    entered = AnswerInput(
        option_code="yes_legal",
        policy_name="Health Act",
        policy_year=2017,
        link="https://example.org/health-act",
        citation="Section 12",
        comment="Emergency care only.",
    )
    outcome = save(draft, focal_point, {"1a": entered, "2c": AnswerInput(option_code="no")})

    assert outcome.changed_items == ["1a", "2c"]
    stored = {a.item.code: a for a in draft.answers.select_related("item")}
    assert AnswerInput.from_answer(stored["1a"]) == entered
    assert stored["2c"].option_code == "no"
    assert (stored["1a"].updated_by, stored["2c"].updated_by) == (focal_point, focal_point)
    assert sum(1 for a in stored.values() if a.option_code) == 2
    draft.refresh_from_db()
    assert (draft.revision, draft.updated_by) == (1, focal_point)


def test_every_changed_field_is_recorded_with_who_and_the_old_and_new_value(draft, focal_point):
    save(draft, focal_point, {"1a": AnswerInput(option_code="no", policy_name="Act A")})
    colleague = FocalPointFactory(countries=[draft.country])
    draft.refresh_from_db()
    save(draft, colleague, {"1a": AnswerInput(option_code="yes_all", policy_name="Act A")})

    changes = list(
        AnswerChange.objects.filter(submission=draft, item__code="1a").values_list(
            "revision", "field", "old_value", "new_value", "changed_by__username"
        )
    )
    assert changes == [
        (1, "option_code", "", "no", focal_point.username),
        (1, "policy_name", "", "Act A", focal_point.username),
        (2, "option_code", "no", "yes_all", colleague.username),
    ]


def test_the_general_comment_is_saved_and_its_change_recorded(draft, focal_point):
    save(draft, focal_point, {}, general_comment="Answered by the Ministry of Interior.")
    draft.refresh_from_db()
    assert draft.general_comment == "Answered by the Ministry of Interior."
    change = AnswerChange.objects.get(submission=draft)
    assert (change.item, change.field, change.new_value) == (
        None,
        "general_comment",
        draft.general_comment,
    )


def test_a_save_without_any_change_leaves_the_revision_and_history_alone(draft, focal_point):
    outcome = save(draft, focal_point, {"1a": AnswerInput()})
    draft.refresh_from_db()
    assert not outcome.changed
    assert draft.revision == 0
    assert not AnswerChange.objects.exists()


def test_a_stale_save_is_refused_with_the_items_changed_meanwhile_and_nothing_is_saved(
    draft, focal_point
):
    colleague = FocalPointFactory(username="otieno", countries=[draft.country])
    save(draft, colleague, {"3b": AnswerInput(option_code="yes")}, base_revision=0)

    with pytest.raises(StaleSave) as refused:
        save(draft, focal_point, {"1a": AnswerInput(option_code="no")}, base_revision=0)

    assert [(c.item.code, c.changed_by.username) for c in refused.value.changes] == [
        ("3b", "otieno")
    ]
    assert refused.value.current_revision == 1
    assert draft.answers.get(item__code="1a").option_code == ""


def test_submitting_with_unanswered_items_is_refused_and_saves_nothing(draft, focal_point):
    answer_all(draft, leave_blank=("2a", "6e"))

    with pytest.raises(IncompleteSubmission) as refused:
        submit(
            submission=draft,
            by=focal_point,
            base_revision=0,
            answers={"1a": AnswerInput(option_code="no", policy_name="New law")},
            general_comment="",
        )

    assert refused.value.missing == ["2a", "6e"]
    draft.refresh_from_db()
    assert draft.state == Submission.State.DRAFT
    assert draft.answers.get(item__code="1a").policy_name == ""
    assert not AnswerChange.objects.exists()


def test_submitting_a_complete_questionnaire_makes_it_submitted_and_records_the_event(
    draft, focal_point
):
    answer_all(draft, leave_blank=("6e",))
    submitted = submit(
        submission=draft,
        by=focal_point,
        base_revision=0,
        answers={"6e": AnswerInput(option_code="yes")},
        general_comment="",
    )
    assert submitted.state == Submission.State.SUBMITTED
    assert submitted.submitted_at is not None
    event = draft.events.get(action=SubmissionEvent.Action.SUBMITTED)
    assert (event.from_state, event.to_state, event.actor) == ("draft", "submitted", focal_point)
    assert draft.answer_codes()["6e"] == "yes"


def test_a_submitted_questionnaire_can_no_longer_be_changed(draft, focal_point):
    draft.state = Submission.State.SUBMITTED
    draft.save()
    with pytest.raises(NotEditable):
        save(draft, focal_point, {"1a": AnswerInput(option_code="no")})
    assert draft.answers.get(item__code="1a").option_code == ""


def test_a_focal_point_of_another_country_cannot_save(draft):
    stranger = FocalPointFactory(countries=[CountryFactory()])
    with pytest.raises(NotEditable):
        save(draft, stranger, {"1a": AnswerInput(option_code="no")})
    assert draft.answers.get(item__code="1a").option_code == ""


def test_answers_cannot_be_saved_after_the_round_closed(draft, focal_point):
    draft.round.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    draft.round.save()
    with pytest.raises(NotEditable) as refused:
        save(draft, focal_point, {"1a": AnswerInput(option_code="no")})
    assert "closed" in refused.value.message


def test_an_option_the_item_does_not_offer_is_refused(draft, focal_point):
    with pytest.raises(ValueError):
        save(draft, focal_point, {"2a": AnswerInput(option_code="yes_all")})
    assert draft.answers.get(item__code="2a").option_code == ""
