"""The rules of saving and submitting, at the service level."""

import datetime

import pytest
from django.utils import timezone

from questionnaire.models import Answer, AnswerChange, Submission, SubmissionEvent
from questionnaire.services.answers import (
    GENERAL_COMMENT,
    AnswerInput,
    ChangedSinceConfirmation,
    IncompleteSubmission,
    NotEditable,
    save_draft,
)
from review.services.submissions import submission_submit
from tests.factories import CountryFactory, FocalPointFactory
from tests.workflow import move_submission_to

from .factories import answer_all, save_as


def submit(**arguments) -> Submission:
    return submission_submit(**arguments).submission


def save(submission, by, answers, **options):
    return save_as(by, submission, answers, **options)


def saved(submission, code) -> Answer:
    return submission.answers.get(item__code=code)


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


def test_a_save_based_on_an_older_revision_keeps_what_a_colleague_saved_meanwhile(
    draft, focal_point
):
    colleague = FocalPointFactory(username="otieno", countries=[draft.country])
    save(draft, colleague, {"3b": AnswerInput(option_code="yes", policy_name="Act B")})

    # The focal point's form still holds 3b blank, as it was when the page was opened.
    outcome = save(
        draft,
        focal_point,
        {"1a": AnswerInput(option_code="no"), "3b": AnswerInput()},
        base_revision=0,
    )

    assert outcome.conflicts == []
    assert outcome.changed == [("1a", "option_code")]
    assert (saved(draft, "1a").option_code, saved(draft, "3b").option_code) == ("no", "yes")
    assert saved(draft, "3b").policy_name == "Act B"
    draft.refresh_from_db()
    assert draft.revision == 2


def test_a_field_changed_by_both_is_a_conflict_saved_by_neither_and_the_rest_is_saved(
    draft, focal_point
):
    colleague = FocalPointFactory(username="otieno", first_name="Otieno", countries=[draft.country])
    save(draft, colleague, {"1a": AnswerInput(option_code="yes_all", policy_name="Act A")})

    outcome = save(
        draft,
        focal_point,
        {
            "1a": AnswerInput(option_code="no", policy_name="Act A"),
            "2a": AnswerInput(option_code="no"),
        },
        base_revision=0,
    )

    [conflict] = outcome.conflicts
    assert (conflict.key, conflict.theirs, conflict.mine, conflict.by) == (
        ("1a", "option_code"),
        "yes_all",
        "no",
        "Otieno",
    )
    # Both changed the policy name to the same text: no conflict, nothing to write.
    assert outcome.changed == [("2a", "option_code")]
    assert saved(draft, "1a").option_code == "yes_all"
    assert saved(draft, "2a").option_code == "no"


def test_the_user_settles_a_conflict_by_keeping_either_value(draft, focal_point):
    colleague = FocalPointFactory(countries=[draft.country])
    save(draft, colleague, {"1a": AnswerInput(option_code="yes_all")})
    mine = {"1a": AnswerInput(option_code="no")}
    assert save(draft, focal_point, mine, base_revision=0).conflicts

    kept = save(draft, focal_point, mine, keep_theirs={("1a", "option_code")})
    assert (kept.changed, saved(draft, "1a").option_code) == ([], "yes_all")

    chosen = save(draft, focal_point, mine)
    assert (chosen.changed, saved(draft, "1a").option_code) == ([("1a", "option_code")], "no")


def test_the_general_comment_merges_like_any_field(draft, focal_point):
    colleague = FocalPointFactory(countries=[draft.country])
    save(draft, colleague, {}, general_comment="Theirs")
    outcome = save(draft, focal_point, {}, base_revision=0, general_comment="")
    assert not outcome.changed and not outcome.conflicts
    outcome = save(draft, focal_point, {}, base_revision=0, general_comment="Mine")
    assert [c.key for c in outcome.conflicts] == [GENERAL_COMMENT]
    draft.refresh_from_db()
    assert draft.general_comment == "Theirs"


def test_the_first_save_creates_the_submission_with_one_answer_per_item(
    open_round, kenya, focal_point
):
    outcome = save_draft(
        round=open_round,
        country=kenya,
        by=focal_point,
        base_revision=0,
        entries={("1a", "option_code"): "no"},
    )
    submission = Submission.objects.get(round=open_round, country=kenya)
    assert outcome.submission == submission
    assert submission.answers.count() == 30
    assert (submission.revision, saved(submission, "1a").option_code) == (1, "no")


def test_a_revision_that_was_never_saved_is_refused(draft, focal_point):
    with pytest.raises(ValueError):
        save(draft, focal_point, {"1a": AnswerInput(option_code="no")}, base_revision=7)
    assert saved(draft, "1a").option_code == ""


def test_submitting_with_unanswered_items_is_refused_and_changes_nothing(draft, focal_point):
    answer_all(draft, leave_blank=("2a", "6e"))
    draft.refresh_from_db()

    with pytest.raises(IncompleteSubmission) as refused:
        submit(submission=draft, by=focal_point, confirmed_revision=draft.revision)

    assert refused.value.missing == ["2a", "6e"]
    draft.refresh_from_db()
    assert draft.state == Submission.State.DRAFT
    assert not draft.events.filter(action=SubmissionEvent.Action.SUBMITTED).exists()


def test_submitting_a_complete_questionnaire_makes_it_submitted_and_records_the_event(
    draft, focal_point
):
    answer_all(draft)
    draft.refresh_from_db()
    submitted = submit(submission=draft, by=focal_point, confirmed_revision=draft.revision)
    assert submitted.state == Submission.State.SUBMITTED
    assert submitted.submitted_at is not None
    event = draft.events.get(action=SubmissionEvent.Action.SUBMITTED)
    assert (event.from_state, event.to_state, event.actor) == ("draft", "submitted", focal_point)


def test_a_save_after_the_confirmation_was_asked_stops_the_submission(draft, focal_point):
    answer_all(draft)
    draft.refresh_from_db()
    confirmed = draft.revision
    save(draft, FocalPointFactory(countries=[draft.country]), {"1a": AnswerInput(option_code="no")})
    with pytest.raises(ChangedSinceConfirmation):
        submit(submission=draft, by=focal_point, confirmed_revision=confirmed)
    draft.refresh_from_db()
    assert draft.state == Submission.State.DRAFT


def test_a_submitted_questionnaire_can_no_longer_be_changed(draft, focal_point):
    move_submission_to(draft, Submission.State.SUBMITTED)
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
