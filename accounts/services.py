"""Changes to people: inviting, changing a role, assignments, activation or language, deactivating.

Each function is atomic: it locks the person's row, changes it and writes one ``UserChange`` row per
changed field in the same transaction. Invitation e-mails are sent once the transaction commits,
in the invitee's preferred language; a failing mail server is logged and never undoes the action
(the invitation can be sent again from the admin).
"""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.formats import date_format
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import User, UserChange

logger = logging.getLogger(__name__)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()
"""A keyword left out of ``change_user``: that field is not changed."""

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


# ------------------------------------------------------------------------------ values as text


def countries_text(countries: Iterable) -> str:
    return ", ".join(sorted(c.iso3 for c in countries))


def regions_text(regions: Iterable) -> str:
    return ", ".join(f"{r.name} ({r.m49})" for r in sorted(regions, key=lambda r: (r.m49, r.kind)))


def _value_text(field: str, value) -> str:
    if field == "is_active":
        return "true" if value else "false"
    return str(value)


# ------------------------------------------------------------------------------ rules


def require_manager(by) -> None:
    from policyindex.access import can_manage_people

    if by is None or not can_manage_people(by):
        raise PermissionDenied


def _check_values(*, role=UNSET, preferred_language=UNSET) -> None:
    if role is not UNSET and role not in User.Role.values:
        raise ValidationError(_("Unknown role: %(role)s.") % {"role": role}, code="role")
    if preferred_language is not UNSET and preferred_language not in LANGUAGE_CODES:
        raise ValidationError(
            _("Unknown language: %(language)s.") % {"language": preferred_language},
            code="language",
        )


def check_change_allowed(*, by, user, role=UNSET, is_active=UNSET) -> None:
    """Refuses (ValidationError) a change an administrator may not make: nobody deactivates
    themselves or takes away their own administrator role, so someone can always manage people."""
    if by is None or user.pk is None or by.pk != user.pk:
        return
    if is_active is not UNSET and not is_active:
        raise ValidationError(_("You cannot deactivate yourself."), code="self")
    if role is not UNSET and role != User.Role.ADMINISTRATOR:
        raise ValidationError(_("You cannot take away your own administrator role."), code="self")


# ------------------------------------------------------------------------------ invitations


def invitation_link(user: User, *, site_url: str) -> str:
    """The address where the invitee chooses a password (Django's password reset link)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return site_url.rstrip("/") + path


def _invitation_message(user: User, *, site_url: str, connection) -> EmailMessage:
    with translation.override(user.preferred_language):
        valid_until = timezone.localtime() + datetime.timedelta(
            seconds=settings.PASSWORD_RESET_TIMEOUT
        )
        context = {
            "user": user,
            "link": invitation_link(user, site_url=site_url),
            "site_url": site_url.rstrip("/"),
            "valid_until": date_format(valid_until, "DATE_FORMAT"),
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context)
        body = render_to_string("accounts/email/invitation_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[user.email],
        headers={"Content-Language": user.preferred_language},
        connection=connection,
    )


def send_invitations(user_ids: Iterable[int], *, site_url: str) -> int:
    """Sends the invitation to each active person without a password yet; returns how many went
    out. A failure is logged, never raised: the action that invited them is already done."""
    sent = 0
    try:
        connection = get_connection()
    except Exception:
        logger.exception("No mail connection: invitations not sent")
        return 0
    users = User.objects.filter(pk__in=list(user_ids), is_active=True).order_by("pk")
    for user in users:
        if user.has_usable_password():
            continue
        try:
            _invitation_message(user, site_url=site_url, connection=connection).send()
        except Exception:
            logger.exception("The invitation to user %s could not be sent", user.pk)
        else:
            sent += 1
    try:
        connection.close()
    except Exception:
        logger.exception("Closing the mail connection failed")
    return sent


def send_invitations_on_commit(user_ids: list[int], *, site_url: str) -> None:
    transaction.on_commit(
        lambda: send_invitations(user_ids, site_url=site_url),
        robust=True,
    )


def default_site_url() -> str:
    return getattr(settings, "SITE_URL", "http://localhost:8000")


def _username_for(email: str) -> str:
    base = email.lower()[:140]
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


def create_invited_user(
    *,
    by,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    countries=(),
    regions=(),
    preferred_language: str,
) -> User:
    """The work of ``invite_user`` inside its transaction, mail not yet scheduled."""
    email = User.objects.normalize_email((email or "").strip())
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            _("%(email)s is not a valid e-mail address.") % {"email": email}, code="email"
        ) from None
    _check_values(role=role, preferred_language=preferred_language)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            _("Someone already has the address %(email)s.") % {"email": email}, code="duplicate"
        )
    user = User(
        username=_username_for(email),
        email=email,
        first_name=(first_name or "").strip()[:150],
        last_name=(last_name or "").strip()[:150],
        role=role,
        preferred_language=preferred_language,
    )
    # Nobody ever types someone else's password: the invitee chooses one through the link.
    user.set_unusable_password()
    user.save()
    countries, regions = list(countries), list(regions)
    if countries:
        user.countries.set(countries)
    if regions:
        user.regions.set(regions)
    changes = [
        UserChange(user=user, changed_by=by, field=UserChange.Field.INVITED, new_value=email),
        UserChange(user=user, changed_by=by, field=UserChange.Field.ROLE, new_value=role),
        UserChange(
            user=user,
            changed_by=by,
            field=UserChange.Field.PREFERRED_LANGUAGE,
            new_value=preferred_language,
        ),
    ]
    if countries:
        changes.append(
            UserChange(
                user=user,
                changed_by=by,
                field=UserChange.Field.COUNTRIES,
                new_value=countries_text(countries),
            )
        )
    if regions:
        changes.append(
            UserChange(
                user=user,
                changed_by=by,
                field=UserChange.Field.REGIONS,
                new_value=regions_text(regions),
            )
        )
    UserChange.objects.bulk_create(changes)
    return user


def invite_user(
    *,
    by,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    countries=(),
    regions=(),
    preferred_language: str,
    site_url: str | None = None,
) -> User:
    """Creates a person with no usable password and, once committed, e-mails them (in their
    preferred language) a link to choose one. ``site_url`` starts the link (the admin passes the
    address it was reached at)."""
    require_manager(by)
    with transaction.atomic():
        user = create_invited_user(
            by=by,
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=role,
            countries=countries,
            regions=regions,
            preferred_language=preferred_language,
        )
        send_invitations_on_commit([user.pk], site_url=site_url or default_site_url())
    return user


def resend_invitation(*, by, user: User, site_url: str | None = None) -> None:
    """Sends the invitation again to someone who has not chosen a password yet (a new link)."""
    require_manager(by)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            raise ValidationError(
                _("%(user)s is deactivated: reactivate them first.") % {"user": locked},
                code="inactive",
            )
        if locked.has_usable_password():
            raise ValidationError(
                _("%(user)s has already chosen a password.") % {"user": locked},
                code="password",
            )
        UserChange.objects.create(
            user=locked,
            changed_by=by,
            field=UserChange.Field.INVITED,
            new_value=locked.email,
        )
        send_invitations_on_commit([locked.pk], site_url=site_url or default_site_url())


# ------------------------------------------------------------------------------ changes


def change_user(
    *,
    by,
    user: User,
    role=UNSET,
    countries=UNSET,
    regions=UNSET,
    is_active=UNSET,
    preferred_language=UNSET,
    reason: str = "",
) -> list[UserChange]:
    """Changes the given fields (the others are left out) and records each one that differs.
    Returns the records written (none when nothing changed)."""
    require_manager(by)
    _check_values(role=role, preferred_language=preferred_language)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        check_change_allowed(by=by, user=locked, role=role, is_active=is_active)
        changes: list[UserChange] = []
        update_fields: list[str] = []
        for name, value in (
            ("role", role),
            ("is_active", is_active),
            ("preferred_language", preferred_language),
        ):
            if value is UNSET or getattr(locked, name) == value:
                continue
            changes.append(
                UserChange(
                    user=locked,
                    changed_by=by,
                    field=name,
                    old_value=_value_text(name, getattr(locked, name)),
                    new_value=_value_text(name, value),
                    reason=reason,
                )
            )
            setattr(locked, name, value)
            update_fields.append(name)
        if update_fields:
            # The role decides the admin rights (User.save).
            locked.save(update_fields=[*update_fields, "is_staff", "is_superuser"])
        for name, value, as_text in (
            ("countries", countries, countries_text),
            ("regions", regions, regions_text),
        ):
            if value is UNSET:
                continue
            manager = getattr(locked, name)
            old, new = list(manager.all()), list(value)
            if {o.pk for o in old} == {n.pk for n in new}:
                continue
            manager.set(new)
            changes.append(
                UserChange(
                    user=locked,
                    changed_by=by,
                    field=name,
                    old_value=as_text(old),
                    new_value=as_text(new),
                    reason=reason,
                )
            )
        UserChange.objects.bulk_create(changes)
    for name in update_fields:
        setattr(user, name, getattr(locked, name))
    user.is_staff, user.is_superuser = locked.is_staff, locked.is_superuser
    return changes


def deactivate_user(*, by, user: User, reason: str) -> list[UserChange]:
    """Deactivates someone, saying why: they can no longer log in (their records stay)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why this person is deactivated."), code="reason")
    return change_user(by=by, user=user, is_active=False, reason=reason)
