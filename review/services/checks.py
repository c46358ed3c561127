"""The rule checks every service makes before changing a state, through policyindex/access.py."""

from django.utils.translation import gettext as _

from policyindex import access
from review import transitions
from review.services.errors import ActionRefused


def allowed_transition(
    *, by, subject: str, action: str, state: str, state_label: str, country=None
):
    """The table's transition for the action from the state, if ``by`` is who the table names.

    ``by`` None is the system (a loader or a command run by an operator); it is still held to the
    table's states."""
    found = transitions.transition(subject, action, state)
    if found is None:
        raise ActionRefused(
            _("This cannot be done now: it is %(state)s.") % {"state": state_label.lower()}
        )
    if by is not None and not access.acts_as(by, found.who, country):
        raise ActionRefused(
            _("Only %(who)s can do this.") % {"who": transitions.WHO_LABELS[found.who]}
        )
    return found


def required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Give a reason: it is recorded and shown to the people concerned."))
    return reason
