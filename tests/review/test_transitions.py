"""Every row of the transition table, allowed and forbidden, by role, at the service level: the
one function per change refuses with a sentence and changes nothing, or moves the state and
records who, when and why in the same transaction."""

import datetime

import pytest
from django.utils import timezone

from questionnaire.models import Round, Submission, SubmissionEvent
from review import transitions
from review.models import PublicationExclusion, RoundEvent
from review.services import queries as query_services
from review.services import rounds as round_services
from review.services import submissions as services
from review.services.errors import ActionRefused
from scoring.models import Release, ScoreRecord
from tests.factories import (
    AdministratorFactory,
    AnalystFactory,
    CountryFactory,
    FocalPointFactory,
    RoundFactory,
)
from tests.questionnaire.factories import SubmissionFactory, answer_all
from tests.workflow import move_submission_to

S = Submission.State


@pytest.fixture
def round_(instrument):
    return RoundFactory(version=instrument)


@pytest.fixture
def country():
    return CountryFactory()


@pytest.fixture
def people(country):
    outside_region = CountryFactory().sdg_region
    return {
        "focal_point": FocalPointFactory(countries=[country]),
        "other_focal_point": FocalPointFactory(countries=[CountryFactory()]),
        "analyst": AnalystFactory(regions=[country.sdg_region]),
        "second_analyst": AnalystFactory(),
        "outside_analyst": AnalystFactory(regions=[outside_region]),
        "administrator": AdministratorFactory(),
    }


@pytest.fixture
def draft(round_, country):
    submission = SubmissionFactory(round=round_, country=country)
    answer_all(submission)
    submission.refresh_from_db()
    return submission


def submit(submission, by):
    submission.refresh_from_db()
    return services.submission_submit(
        submission=submission, by=by, confirmed_revision=submission.revision
    )


def submitted(draft, people):
    submit(draft, people["focal_point"])
    draft.refresh_from_db()
    return draft


def assert_unchanged(submission, state, events):
    submission.refresh_from_db()
    assert submission.state == state
    assert submission.events.count() == events


def test_the_table_declares_each_submission_and_round_transition_of_the_methodology_once():
    rows = {
        (t.subject, t.from_state, t.action): (t.to_state, t.who) for t in transitions.TRANSITIONS
    }
    assert rows[("submission", S.DRAFT, "submit")] == (S.SUBMITTED, transitions.FOCAL_POINT)
    assert rows[("submission", S.RETURNED, "submit")] == (S.SUBMITTED, transitions.FOCAL_POINT)
    assert rows[("submission", S.SUBMITTED, "return")] == (S.RETURNED, transitions.ANALYST)
    assert rows[("submission", S.SUBMITTED, "validate")] == (S.VALIDATED, transitions.ANALYST)
    assert rows[("submission", S.VALIDATED, "reopen")] == (S.RETURNED, transitions.ADMINISTRATOR)
    assert rows[("round", Round.State.CLOSED, "publish")] == (
        Round.State.PUBLISHED,
        transitions.ADMINISTRATOR,
    )
    assert len(rows) == len(transitions.TRANSITIONS)


# --- draft → submitted -------------------------------------------------------------------------


def test_a_focal_point_of_the_country_submits_and_the_version_is_frozen_with_a_fingerprint(
    draft, people
):
    version = submit(draft, people["focal_point"])
    draft.refresh_from_db()
    assert draft.state == S.SUBMITTED
    assert version.number == 1 and version.submitted_by == people["focal_point"]
    assert version.is_intact() and len(version.answers) == 30
    assert version.questionnaire_version_id == draft.round.version_id
    event = draft.events.get(action=SubmissionEvent.Action.SUBMITTED)
    assert (event.actor, event.version, event.from_state) == (
        people["focal_point"],
        version,
        S.DRAFT,
    )


@pytest.mark.parametrize(
    "who", ["other_focal_point", "analyst", "second_analyst", "administrator", "outside_analyst"]
)
def test_nobody_but_a_focal_point_of_the_country_submits(draft, people, who):
    with pytest.raises(ActionRefused):
        submit(draft, people[who])
    assert_unchanged(draft, S.DRAFT, 1)
    assert not draft.versions.exists()


def test_a_submission_after_the_country_deadline_is_refused(draft, people):
    round_ = draft.round
    round_services.round_change_dates(
        round=round_,
        by=people["administrator"],
        opens_on=round_.opens_on,
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
        reason="The deadline has passed",
    )
    with pytest.raises(ActionRefused):
        submit(draft, people["focal_point"])
    assert_unchanged(draft, S.DRAFT, 1)


def test_an_extension_for_the_country_lets_it_submit_after_the_round_closing_date(draft, people):
    round_ = draft.round
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    round_services.round_change_dates(
        round=round_,
        by=people["administrator"],
        opens_on=round_.opens_on,
        closes_on=yesterday,
        reason="The deadline has passed",
    )
    round_services.round_extend_deadline(
        round=round_,
        country=draft.country,
        by=people["administrator"],
        closes_on=yesterday + datetime.timedelta(days=14),
        reason="The ministry asked for two more weeks",
    )
    submit(draft, people["focal_point"])
    draft.refresh_from_db()
    assert draft.state == S.SUBMITTED
    extension = round_.events.get(action=RoundEvent.Action.DEADLINE_EXTENDED)
    assert extension.country == draft.country and extension.actor == people["administrator"]
    assert extension.reason == "The ministry asked for two more weeks"


# --- submitted → returned ----------------------------------------------------------------------


def test_an_analyst_in_scope_returns_with_a_reason_and_every_answer_is_kept(draft, people):
    answer_all(draft, policy_name="Migration Act 2019", policy_year=2019)
    submission = submitted(draft, people)
    before = list(submission.answers.order_by("pk").values())

    services.submission_return(
        submission=submission, by=people["analyst"], reason="Please cite the law for 1a."
    )

    submission.refresh_from_db()
    assert submission.state == S.RETURNED
    assert list(submission.answers.order_by("pk").values()) == before
    event = submission.events.get(action=SubmissionEvent.Action.RETURNED)
    assert event.note == "Please cite the law for 1a." and event.actor == people["analyst"]


def test_returning_needs_a_reason(draft, people):
    submission = submitted(draft, people)
    with pytest.raises(ActionRefused):
        services.submission_return(submission=submission, by=people["analyst"], reason="  ")
    assert_unchanged(submission, S.SUBMITTED, 2)


@pytest.mark.parametrize("who", ["focal_point", "outside_analyst", "administrator"])
def test_nobody_but_an_analyst_in_scope_returns(draft, people, who):
    submission = submitted(draft, people)
    with pytest.raises(ActionRefused):
        services.submission_return(submission=submission, by=people[who], reason="No")
    assert_unchanged(submission, S.SUBMITTED, 2)


# --- returned → submitted ----------------------------------------------------------------------


def test_the_country_corrects_a_returned_submission_after_the_closing_date_and_submits_again(
    draft, people
):
    from questionnaire.services.answers import AnswerInput
    from tests.questionnaire.factories import save_as

    submission = submitted(draft, people)
    services.submission_return(submission=submission, by=people["analyst"], reason="Fix 1a")
    round_ = submission.round
    round_services.round_close(round=round_, by=people["administrator"])

    save_as(people["focal_point"], submission, {"1a": AnswerInput(option_code="no")})
    version = submit(submission, people["focal_point"])

    submission.refresh_from_db()
    assert submission.state == S.SUBMITTED
    assert version.number == 2 and version.answers["1a"]["option_code"] == "no"
    first = submission.versions.get(number=1)
    assert first.answers["1a"]["option_code"] != "no"  # the first version is as it was


# --- submitted → validated ---------------------------------------------------------------------


def test_an_analyst_in_scope_validates_and_the_score_of_that_version_is_stored(draft, people):
    submission = submitted(draft, people)
    record = services.submission_validate(submission=submission, by=people["analyst"])
    submission.refresh_from_db()
    assert submission.state == S.VALIDATED
    assert record.submission_version == submission.versions.get()
    assert record.triggered_by == people["analyst"]
    assert record.trigger == ScoreRecord.Trigger.VALIDATION


@pytest.mark.parametrize("who", ["focal_point", "outside_analyst", "administrator"])
def test_nobody_but_an_analyst_in_scope_validates(draft, people, who):
    submission = submitted(draft, people)
    with pytest.raises(ActionRefused):
        services.submission_validate(submission=submission, by=people[who])
    assert_unchanged(submission, S.SUBMITTED, 2)
    assert not ScoreRecord.objects.exists()


def test_an_open_query_blocks_validation_until_it_is_closed(draft, people):
    submission = submitted(draft, people)
    query = query_services.query_raise(
        submission=submission, by=people["analyst"], text="Which law is behind 2a?"
    )
    with pytest.raises(ActionRefused, match="still open"):
        services.submission_validate(submission=submission, by=people["second_analyst"])
    assert_unchanged(submission, S.SUBMITTED, 2)

    query_services.query_reply(query=query, by=people["focal_point"], text="The 2019 Act.")
    query_services.query_close(query=query, by=people["analyst"])
    services.submission_validate(submission=submission, by=people["second_analyst"])
    submission.refresh_from_db()
    assert submission.state == S.VALIDATED
    assert [m.kind for m in query.messages.order_by("pk")] == ["raised", "reply", "closed"]


def test_an_analyst_cannot_validate_answers_they_entered_on_the_country_behalf(draft, people):
    from questionnaire.services.answers import AnswerInput, entries_of, save_draft

    analyst = people["analyst"]
    draft.refresh_from_db()
    save_draft(
        round=draft.round,
        country=draft.country,
        by=analyst,
        base_revision=draft.revision,
        entries=entries_of({"1a": AnswerInput(option_code="no")}),
        on_behalf=True,
    )
    draft.refresh_from_db()
    version = services.submission_submit(
        submission=draft,
        by=analyst,
        confirmed_revision=draft.revision,
        on_behalf=True,
        source="Paper questionnaire received by e-mail on 3 March",
    )
    assert version.entered_on_behalf and version.source.startswith("Paper questionnaire")

    with pytest.raises(ActionRefused, match="another analyst"):
        services.submission_validate(submission=draft, by=analyst)
    assert_unchanged(draft, S.SUBMITTED, 2)
    services.submission_validate(submission=draft, by=people["second_analyst"])
    draft.refresh_from_db()
    assert draft.state == S.VALIDATED


def test_entering_answers_on_behalf_needs_the_source_and_an_analyst_in_scope(draft, people):
    for who, source in (("analyst", ""), ("outside_analyst", "Paper copy")):
        with pytest.raises(ActionRefused):
            services.submission_submit(
                submission=draft,
                by=people[who],
                confirmed_revision=draft.revision,
                on_behalf=True,
                source=source,
            )
    assert_unchanged(draft, S.DRAFT, 1)


# --- validated → returned (reopen) -------------------------------------------------------------


def test_an_administrator_reopens_with_a_reason_and_the_earlier_score_stays(draft, people):
    submission = submitted(draft, people)
    record = services.submission_validate(submission=submission, by=people["analyst"])
    services.submission_reopen(
        submission=submission, by=people["administrator"], reason="A law was repealed"
    )
    submission.refresh_from_db()
    assert submission.state == S.RETURNED
    assert ScoreRecord.objects.filter(pk=record.pk).exists()
    assert submission.events.filter(action=SubmissionEvent.Action.VALIDATED).exists()


@pytest.mark.parametrize("who", ["focal_point", "analyst"])
def test_nobody_but_an_administrator_reopens(draft, people, who):
    submission = submitted(draft, people)
    services.submission_validate(submission=submission, by=people["analyst"])
    with pytest.raises(ActionRefused):
        services.submission_reopen(submission=submission, by=people[who], reason="Why not")
    assert_unchanged(submission, S.VALIDATED, 3)


@pytest.mark.parametrize(
    "state,action",
    [(S.DRAFT, "validate"), (S.DRAFT, "return"), (S.VALIDATED, "submit"), (S.RETURNED, "validate")],
)
def test_an_action_the_table_does_not_declare_from_a_state_is_refused(round_, state, action):
    submission = move_submission_to(SubmissionFactory(round=round_), state)
    events = submission.events.count()
    call = {
        "validate": lambda: services.submission_validate(submission=submission, by=None),
        "return": lambda: services.submission_return(submission=submission, by=None, reason="x"),
        "submit": lambda: services.submission_submit(
            submission=submission, by=None, confirmed_revision=submission.revision
        ),
    }[action]
    with pytest.raises(ActionRefused):
        call()
    assert_unchanged(submission, state, events)


# --- rounds ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["focal_point", "analyst"])
def test_only_an_administrator_opens_closes_or_publishes_a_round(instrument, people, who):
    round_ = RoundFactory(version=instrument, state=Round.State.PLANNED)
    with pytest.raises(ActionRefused):
        round_services.round_open(round=round_, by=people[who])
    round_.refresh_from_db()
    assert round_.state == Round.State.PLANNED and not round_.events.exists()


def test_publishing_with_an_unvalidated_submission_is_refused_until_it_is_excluded(draft, people):
    administrator = people["administrator"]
    submission = submitted(draft, people)
    round_ = submission.round
    round_services.round_close(round=round_, by=administrator)
    with pytest.raises(ActionRefused, match=submission.country.name):
        round_services.round_publish(round=round_, by=administrator)
    round_.refresh_from_db()
    assert round_.state == Round.State.CLOSED and not Release.objects.exists()

    round_services.round_exclude_country(
        round=round_, country=submission.country, by=administrator, reason="Arrived too late"
    )
    release = round_services.round_publish(round=round_, by=administrator)
    round_.refresh_from_db()
    assert round_.state == Round.State.PUBLISHED
    assert release.number == 1 and release.published_by == administrator
    assert PublicationExclusion.objects.get().reason == "Arrived too late"
    assert [e.action for e in round_.events.order_by("pk")][-3:] == [
        "closed",
        "country_excluded",
        "published",
    ]


def test_an_open_round_cannot_be_published(round_, people):
    with pytest.raises(ActionRefused):
        round_services.round_publish(round=round_, by=people["administrator"])
    round_.refresh_from_db()
    assert round_.state == Round.State.OPEN
