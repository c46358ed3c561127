"""Moving rounds and submissions to a state the way the app does: through the review services.

The system (``by=None``) acts here, as the reference and demo loaders do; tests about who may act
call the services with users instead.
"""

from questionnaire.models import Round, Submission
from review.services import rounds as round_services
from review.services import submissions as submission_services
from scoring.services.releases import freeze_release

REASON = "test data"

ROUND_PATHS = {
    Round.State.PLANNED: [],
    Round.State.OPEN: ["open"],
    Round.State.CLOSED: ["open", "close"],
    Round.State.PUBLISHED: ["open", "close", "publish"],
}


def move_round_to(round: Round, state: str) -> Round:
    """Takes a planned round to ``state`` through the round services."""
    steps = {
        "open": round_services.round_open,
        "close": round_services.round_close,
        "publish": round_services.round_publish,
    }
    for action in ROUND_PATHS[state]:
        steps[action](round=round, by=None, reason=REASON)
    round.refresh_from_db()
    return round


def submit(submission: Submission, *, by=None):
    submission.refresh_from_db()
    return submission_services.submission_submit(
        submission=submission,
        by=by,
        confirmed_revision=submission.revision,
        allow_unanswered=by is None,
    )


def move_submission_to(
    submission: Submission, state: str, *, validated_by=None, note: str = ""
) -> Submission:
    """Takes a draft to ``state`` through the submission services, as the system (or validated
    by ``validated_by`` with ``note``)."""
    S = Submission.State
    if state == S.DRAFT:
        return submission
    submit(submission)
    if state == S.RETURNED:
        submission_services.submission_return(submission=submission, by=None, reason=REASON)
    elif state == S.VALIDATED:
        submission_services.submission_validate(submission=submission, by=validated_by, note=note)
    submission.refresh_from_db()
    return submission


def revalidate_with(submission: Submission, changes: dict[str, str], *, note: str = ""):
    """Reopens a validated submission, changes answers (item code to option code), submits and
    validates it again, as the system; returns the new score record."""
    submission_services.submission_reopen(submission=submission, by=None, reason=note or REASON)
    for code, option in changes.items():
        answer = submission.answers.get(item__code=code)
        answer.option_code = option
        answer.save()
    submit(submission)
    return submission_services.submission_validate(submission=submission, by=None, note=note)


def refreeze_if_published(round: Round) -> None:
    """Test data added to an already published round reaches its figures as a new release."""
    round.refresh_from_db()
    if round.state == Round.State.PUBLISHED:
        freeze_release(round=round, by=None, reason=REASON)
