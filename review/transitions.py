"""The declared transitions of submissions and rounds: the single source that the services, the
pages and the tests read. Nothing assigns a state except a service that follows this table."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from questionnaire.models import Round, Submission

FOCAL_POINT = "focal_point"
ANALYST = "analyst"
ADMINISTRATOR = "administrator"

WHO_LABELS = {
    FOCAL_POINT: _("a focal point of the country"),
    ANALYST: _("an analyst with the country in scope"),
    ADMINISTRATOR: _("an administrator"),
}

S = Submission.State
R = Round.State


@dataclass(frozen=True)
class Transition:
    subject: str  # "submission" or "round"
    action: str
    from_state: str
    to_state: str
    who: str
    label: object
    needs_reason: bool = False


SUBMISSION_TRANSITIONS = (
    Transition("submission", "submit", S.DRAFT, S.SUBMITTED, FOCAL_POINT, _("Submit")),
    Transition("submission", "submit", S.RETURNED, S.SUBMITTED, FOCAL_POINT, _("Submit")),
    Transition(
        "submission",
        "return",
        S.SUBMITTED,
        S.RETURNED,
        ANALYST,
        _("Return to the country"),
        needs_reason=True,
    ),
    Transition("submission", "validate", S.SUBMITTED, S.VALIDATED, ANALYST, _("Validate")),
    Transition(
        "submission",
        "reopen",
        S.VALIDATED,
        S.RETURNED,
        ADMINISTRATOR,
        _("Reopen"),
        needs_reason=True,
    ),
)

ROUND_TRANSITIONS = (
    Transition("round", "open", R.PLANNED, R.OPEN, ADMINISTRATOR, _("Open the round")),
    Transition("round", "open", R.CLOSED, R.OPEN, ADMINISTRATOR, _("Open the round again")),
    Transition("round", "close", R.OPEN, R.CLOSED, ADMINISTRATOR, _("Close the round")),
    Transition("round", "publish", R.CLOSED, R.PUBLISHED, ADMINISTRATOR, _("Publish the round")),
)

TRANSITIONS = SUBMISSION_TRANSITIONS + ROUND_TRANSITIONS


def transition(subject: str, action: str, from_state: str) -> Transition | None:
    """The transition the table declares for this action from this state, or None."""
    for t in TRANSITIONS:
        if t.subject == subject and t.action == action and t.from_state == from_state:
            return t
    return None


def actions_from(subject: str, from_state: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.subject == subject and t.from_state == from_state]
