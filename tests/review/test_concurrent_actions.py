"""Two people acting on one submission at the same moment, for real, in two threads: exactly one
action succeeds, the other gets a clear refusal, and the history shows only what happened."""

import threading

import pytest
from django.db import connection

from questionnaire.models import Submission, SubmissionEvent
from questionnaire.services.answers import AnswerInput, NotEditable, entries_of, save_draft
from review.services import submissions as services
from review.services.errors import ActionRefused
from scoring.models import ScoreRecord
from tests.factories import AnalystFactory, CountryFactory, FocalPointFactory, RoundFactory
from tests.questionnaire.factories import SubmissionFactory, answer_all

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]

REFUSALS = (ActionRefused, NotEditable)


def run_together(*actions) -> list[object]:
    """Runs the actions at once in threads; each result is its return value or its exception."""
    results: list[object] = [None] * len(actions)
    start = threading.Barrier(len(actions))

    def run(index, action):
        start.wait()
        try:
            results[index] = action()
        except Exception as error:  # noqa: BLE001 - the test inspects what each one got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def submitted(instrument):
    country = CountryFactory()
    focal_point = FocalPointFactory(countries=[country])
    submission = SubmissionFactory(round=RoundFactory(version=instrument), country=country)
    answer_all(submission)
    submission.refresh_from_db()
    services.submission_submit(
        submission=submission, by=focal_point, confirmed_revision=submission.revision
    )
    submission.refresh_from_db()
    submission.focal_point = focal_point
    return submission


def test_one_analyst_returns_while_another_validates_and_exactly_one_wins(submitted):
    returning, validating = AnalystFactory(), AnalystFactory()

    results = run_together(
        lambda: services.submission_return(
            submission=submitted, by=returning, reason="Please cite the law for 1a."
        ),
        lambda: services.submission_validate(submission=submitted, by=validating),
    )

    refused = [r for r in results if isinstance(r, ActionRefused)]
    assert len(refused) == 1, results
    assert "cannot be done now" in str(refused[0])
    submitted.refresh_from_db()
    events = list(submitted.events.exclude(action__in=["created", "submitted"]))
    assert len(events) == 1
    if submitted.state == Submission.State.RETURNED:
        assert events[0].action == SubmissionEvent.Action.RETURNED
        assert not ScoreRecord.objects.exists()
    else:
        assert submitted.state == Submission.State.VALIDATED
        assert events[0].action == SubmissionEvent.Action.VALIDATED
        assert ScoreRecord.objects.count() == 1


def test_a_focal_point_submits_while_an_analyst_enters_answers_on_behalf(instrument):
    country = CountryFactory()
    focal_point = FocalPointFactory(countries=[country])
    analyst = AnalystFactory()
    draft = SubmissionFactory(round=RoundFactory(version=instrument), country=country)
    answer_all(draft)
    draft.refresh_from_db()
    revision = draft.revision

    results = run_together(
        lambda: services.submission_submit(
            submission=draft, by=focal_point, confirmed_revision=revision
        ),
        lambda: save_draft(
            round=draft.round,
            country=country,
            by=analyst,
            base_revision=revision,
            entries=entries_of({"1a": AnswerInput(option_code="no")}),
            on_behalf=True,
        ),
    )

    submit_result, save_result = results
    draft.refresh_from_db()
    if isinstance(submit_result, Exception):
        # The analyst's save came first: the submission was stopped, the save is in the draft.
        assert isinstance(submit_result, services.ChangedSinceConfirmation)
        assert draft.state == Submission.State.DRAFT
        assert draft.answers.get(item__code="1a").option_code == "no"
        assert not draft.versions.exists()
    else:
        # The submission came first: the save was refused, the frozen version is what was shown.
        assert isinstance(save_result, REFUSALS)
        assert draft.state == Submission.State.SUBMITTED
        assert draft.versions.get().answers["1a"]["option_code"] != "no"
        assert draft.answers.get(item__code="1a").option_code != "no"
    assert draft.events.filter(action="submitted").count() == (
        0 if isinstance(submit_result, Exception) else 1
    )


def test_two_focal_points_submitting_at_once_freeze_one_version(submitted):
    # Returned, then both colleagues confirm the same revision at the same moment.
    services.submission_return(submission=submitted, by=AnalystFactory(), reason="Check 2a")
    colleague = FocalPointFactory(countries=[submitted.country])
    submitted.refresh_from_db()
    revision = submitted.revision

    results = run_together(
        *(
            lambda by=by: services.submission_submit(
                submission=submitted, by=by, confirmed_revision=revision
            )
            for by in (submitted.focal_point, colleague)
        )
    )

    assert sum(isinstance(r, ActionRefused) for r in results) == 1, results
    submitted.refresh_from_db()
    assert submitted.versions.count() == 2
    assert submitted.events.filter(action="submitted").count() == 2
