"""A submission is one country's answers for one round."""

import pytest
from django.db import IntegrityError, transaction

from kernel.append_only import AppendOnlyError
from questionnaire.models import Submission, SubmissionEvent
from questionnaire.services.submissions import start_submission
from tests.factories import CountryFactory, RoundFactory


def test_starting_a_submission_creates_one_blank_answer_per_item(instrument):
    submission = start_submission(round=RoundFactory(version=instrument), country=CountryFactory())
    assert submission.state == Submission.State.DRAFT
    assert submission.answers.count() == 30
    assert set(submission.answer_codes().values()) == {None}
    assert submission.events.get().action == SubmissionEvent.Action.CREATED


def test_starting_twice_returns_the_same_submission(instrument):
    round_, country = RoundFactory(version=instrument), CountryFactory()
    assert start_submission(round=round_, country=country) == start_submission(
        round=round_, country=country
    )


def test_the_database_allows_one_submission_per_country_and_round(instrument):
    round_, country = RoundFactory(version=instrument), CountryFactory()
    Submission.objects.create(round=round_, country=country)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(round=round_, country=country)


def test_a_record_built_with_the_key_of_an_existing_one_cannot_overwrite_it(instrument):
    submission = start_submission(round=RoundFactory(version=instrument), country=CountryFactory())
    original = submission.events.get()
    forged = SubmissionEvent(
        pk=original.pk, submission=submission, action="validated", to_state="validated"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    original.refresh_from_db()
    assert original.action == SubmissionEvent.Action.CREATED
    with pytest.raises(AppendOnlyError):
        SubmissionEvent.objects.bulk_create(
            [forged], update_conflicts=True, unique_fields=["id"], update_fields=["action"]
        )
