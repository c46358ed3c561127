"""Options shared by the scoring commands."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def user_named(username: str | None):
    """The user given with ``--by`` (who the audit trail names), or None when not given."""
    if not username:
        return None
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"--by: no user is called {username!r}") from None
