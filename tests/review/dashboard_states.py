"""Submissions brought to each state through the review services, as the app brings them there.

(Until the shared factories go through the services themselves.)"""

from questionnaire.models import Submission
from questionnaire.services.submissions import start_submission
from review.services.queries import query_raise, query_reply
from review.services.submissions import (
    submission_return,
    submission_submit,
    submission_validate,
)
from tests.factories import AnalystFactory, FocalPointFactory
from tests.questionnaire.factories import answer_all


def draft(round, country, *, answered: bool = False) -> Submission:
    submission = start_submission(round=round, country=country)
    if answered:
        answer_all(submission)
    return submission


def submitted(round, country, *, focal_point=None) -> Submission:
    submission = draft(round, country, answered=True)
    submission.refresh_from_db()
    focal_point = focal_point or FocalPointFactory(countries=[country])
    submission_submit(submission=submission, by=focal_point, confirmed_revision=submission.revision)
    submission.refresh_from_db()
    return submission


def returned(round, country, *, analyst=None, reason="Item 1a needs its law.") -> Submission:
    submission = submitted(round, country)
    submission_return(submission=submission, by=analyst or AnalystFactory(), reason=reason)
    submission.refresh_from_db()
    return submission


def validated(round, country, *, analyst=None) -> Submission:
    submission = submitted(round, country)
    submission_validate(submission=submission, by=analyst or AnalystFactory())
    submission.refresh_from_db()
    return submission


def answered_query(submission: Submission, *, analyst=None, focal_point=None):
    """An open query whose last message is the country's answer."""
    analyst = analyst or AnalystFactory()
    focal_point = focal_point or FocalPointFactory(countries=[submission.country])
    query = query_raise(submission=submission, by=analyst, text="Which law is this?")
    query_reply(query=query, by=focal_point, text="The Migration Act of 2011.")
    return query
