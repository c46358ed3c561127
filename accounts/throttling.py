"""Throttling of password resets and password changes, counted in the database so that every
app server agrees.

Password resets: at most ``PASSWORD_RESET_LIMIT`` requests per e-mail address and per network
address within ``PASSWORD_RESET_WINDOW``, whether or not the address belongs to anyone (so the
refusal tells nothing about who has an account). Wrong old passwords in the password change form
count as failed logins in django-axes, so they lock out exactly like failed logins do.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone

from .models import PasswordResetRequest


def client_ip_address(request) -> str | None:
    """The client's address as django-axes sees it (same proxy settings as login throttling)."""
    return get_client_ip_address(request)


def accept_password_reset_request(*, email: str, ip_address: str | None) -> bool:
    """Records the request and returns True if the address and the network are under the limit;
    returns False, recording nothing, if either has reached it."""
    email = email.strip().lower()
    since = timezone.now() - settings.PASSWORD_RESET_WINDOW
    with transaction.atomic():
        recent = PasswordResetRequest.objects.filter(requested_at__gte=since)
        limit = settings.PASSWORD_RESET_LIMIT
        if recent.filter(email=email).count() >= limit:
            return False
        if ip_address and recent.filter(ip_address=ip_address).count() >= limit:
            return False
        PasswordResetRequest.objects.create(email=email, ip_address=ip_address)
    return True


def password_change_credentials(user) -> dict:
    return {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}


def password_changes_locked(*, request, user) -> bool:
    """True when the user has had too many failed logins or wrong old passwords from here."""
    return AxesProxyHandler.is_locked(request, password_change_credentials(user))


def record_wrong_old_password(*, request, user) -> bool:
    """Counts a wrong old password as a failed login (django-axes); True if that locks out."""
    user_login_failed.send(
        sender=__name__, credentials=password_change_credentials(user), request=request
    )
    locked = bool(getattr(request, "axes_locked_out", False))
    # The form says so itself: axes' middleware would otherwise answer with the login lockout page.
    request.axes_locked_out = False
    return locked
