"""Creating a country's submission for a round."""

from django.db import IntegrityError, transaction

from geography.models import Country
from questionnaire.models import Answer, Round, Submission, SubmissionEvent


def start_submission(*, round: Round, country: Country, by=None) -> Submission:
    """The country's submission for the round, created with one blank answer per item if new.

    Safe to call concurrently: two focal points opening the page at once get the same submission.
    """
    existing = Submission.objects.filter(round=round, country=country).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            submission = Submission.objects.create(round=round, country=country, updated_by=by)
            Answer.objects.bulk_create(
                Answer(submission=submission, item=item) for item in round.version.items.all()
            )
            SubmissionEvent.objects.create(
                submission=submission,
                action=SubmissionEvent.Action.CREATED,
                to_state=submission.state,
                actor=by,
            )
    except IntegrityError:
        return Submission.objects.get(round=round, country=country)
    return submission
