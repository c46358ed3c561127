"""Inviting people (they choose their own password), changing and deactivating them: every change
is recorded with who and when, and e-mails go out after commit in each person's language."""

import datetime
import re

import pytest
from django.contrib.auth import get_user
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.models import User, UserChange
from accounts.services import change_user, deactivate_user, invite_user, resend_invitation
from kernel.append_only import AppendOnlyError
from policyindex.access import can_manage_people
from tests.accounts.factories import UserChangeFactory
from tests.factories import (
    AdministratorFactory,
    AnalystFactory,
    CountryFactory,
    FocalPointFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


def invite(by, **overrides):
    data = {
        "email": "amina@example.org",
        "first_name": "Amina",
        "last_name": "Diallo",
        "role": User.Role.FOCAL_POINT,
        "preferred_language": "en",
        "site_url": SITE,
        **overrides,
    }
    return invite_user(by=by, **data)


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)


# ------------------------------------------------------------------------------ invitations


def test_an_invited_person_has_no_password_until_they_choose_one(
    django_capture_on_commit_callbacks,
):
    senegal = CountryFactory(name="Senegal", iso3="SEN")
    with django_capture_on_commit_callbacks(execute=True):
        user = invite(AdministratorFactory(), countries=[senegal])
    assert not user.has_usable_password()
    assert list(user.countries.all()) == [senegal]
    assert user.is_focal_point and user.is_active


def test_the_invitation_goes_out_only_after_commit(django_capture_on_commit_callbacks):
    admin = AdministratorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin)
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amina@example.org"]


def test_an_invitation_rolled_back_sends_nothing(django_capture_on_commit_callbacks):
    admin = AdministratorFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        invite(admin)
        raise RuntimeError("something later failed")
    assert mail.outbox == []
    assert not User.objects.filter(email="amina@example.org").exists()


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_invitation_is_written_in_the_invitees_language(
    django_capture_on_commit_callbacks, language
):
    # The page that invites is in English; the e-mail follows the invitee's language.
    with django_capture_on_commit_callbacks(execute=True):
        invite(AdministratorFactory(), preferred_language=language)
    message = mail.outbox[0]
    assert message.extra_headers["Content-Language"] == language
    valid_until = timezone.localtime() + datetime.timedelta(days=3)
    with translation.override(language):
        assert date_format(valid_until, "DATE_FORMAT") in message.body
    assert translation.get_language() == "en"


def test_the_link_in_the_invitation_sets_a_password_once(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = invite(AdministratorFactory())
    link = link_in(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    new_password = "a long and private passphrase"
    done = client.post(
        set_password_url, {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    # The same link does not work twice.
    again = client.get(link, follow=True)
    assert "new_password1" not in again.content.decode()
    client.post(reverse("login"), {"username": user.username, "password": new_password})
    assert get_user(client).pk == user.pk


def test_a_failing_mail_server_does_not_undo_the_invitation(
    settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "tests.accounts.mail_backends.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        user = invite(AdministratorFactory())
    assert User.objects.filter(pk=user.pk, is_active=True).exists()
    assert UserChange.objects.filter(user=user, field=UserChange.Field.INVITED).exists()
    assert "could not be sent" in caplog.text


def test_the_invitation_can_be_sent_again_until_a_password_is_chosen(
    django_capture_on_commit_callbacks,
):
    admin = AdministratorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        user = invite(admin)
    with django_capture_on_commit_callbacks(execute=True):
        resend_invitation(by=admin, user=user, site_url=SITE)
    assert len(mail.outbox) == 2
    assert UserChange.objects.filter(user=user, field=UserChange.Field.INVITED).count() == 2
    user.set_password("a long and private passphrase")
    user.save()
    with pytest.raises(ValidationError, match="already chosen a password"):
        resend_invitation(by=admin, user=user, site_url=SITE)


def test_an_address_already_in_use_is_refused():
    FocalPointFactory(email="amina@example.org")
    with pytest.raises(ValidationError, match="already has the address"):
        invite(AdministratorFactory(), email="Amina@Example.org")


# ------------------------------------------------------------------------------ changes recorded


def test_an_invitation_records_who_invited_whom_and_when():
    admin = AdministratorFactory()
    kenya = CountryFactory(iso3="KEN")
    before = timezone.now()
    user = invite(admin, countries=[kenya], preferred_language="fr")
    records = {r.field: r for r in UserChange.objects.filter(user=user)}
    assert set(records) == {"invited", "role", "preferred_language", "countries"}
    assert all(r.changed_by == admin and r.changed_at >= before for r in records.values())
    assert records["countries"].new_value == "KEN"
    assert records["preferred_language"].new_value == "fr"


def test_each_changed_field_is_recorded_with_its_old_and_new_value():
    admin = AdministratorFactory()
    kenya, mexico = CountryFactory(iso3="KEN"), CountryFactory(iso3="MEX")
    user = FocalPointFactory(countries=[kenya])
    region = RegionFactory(name="Sub-Saharan Africa", m49="202")
    change_user(by=admin, user=user, countries=[kenya, mexico], preferred_language="es")
    change_user(by=admin, user=user, role=User.Role.ANALYST, countries=[], regions=[region])
    rows = list(UserChange.objects.filter(user=user).order_by("pk"))
    assert [(r.field, r.old_value, r.new_value) for r in rows] == [
        ("preferred_language", "en", "es"),
        ("countries", "KEN", "KEN, MEX"),
        ("role", "focal_point", "analyst"),
        ("countries", "KEN, MEX", ""),
        ("regions", "", "Sub-Saharan Africa (202)"),
    ]
    assert all(r.changed_by == admin for r in rows)
    user.refresh_from_db()
    assert user.is_analyst and list(user.regions.all()) == [region]


def test_a_change_to_the_same_values_records_nothing():
    admin = AdministratorFactory()
    kenya = CountryFactory()
    user = FocalPointFactory(countries=[kenya])
    assert change_user(by=admin, user=user, role=user.role, countries=[kenya]) == []
    assert not UserChange.objects.exists()


def test_deactivating_someone_needs_a_reason_and_ends_their_access(client):
    admin = AdministratorFactory()
    user = FocalPointFactory(username="fp")
    with pytest.raises(ValidationError):
        deactivate_user(by=admin, user=user, reason="  ")
    deactivate_user(by=admin, user=user, reason="Left the ministry")
    user.refresh_from_db()
    assert not user.is_active
    record = UserChange.objects.get(user=user)
    assert (record.field, record.old_value, record.new_value) == ("is_active", "true", "false")
    assert record.reason == "Left the ministry" and record.changed_by == admin
    client.post(reverse("login"), {"username": "fp", "password": "correct horse battery staple"})
    assert not get_user(client).is_authenticated


def test_an_administrator_cannot_deactivate_or_demote_themselves():
    admin = AdministratorFactory()
    with pytest.raises(ValidationError):
        deactivate_user(by=admin, user=admin, reason="Oops")
    with pytest.raises(ValidationError):
        change_user(by=admin, user=admin, role=User.Role.ANALYST)
    admin.refresh_from_db()
    assert admin.is_active and admin.is_administrator
    assert not UserChange.objects.exists()


def test_a_demoted_administrator_loses_the_admin_and_the_change_is_recorded():
    admin, other = AdministratorFactory(), AdministratorFactory()
    change_user(by=admin, user=other, role=User.Role.FOCAL_POINT)
    other.refresh_from_db()
    assert not (other.is_staff or other.is_superuser)


@pytest.mark.parametrize("who", [AnalystFactory, FocalPointFactory])
def test_only_administrators_manage_people(who):
    someone = who()
    user = FocalPointFactory()
    assert not can_manage_people(someone)
    with pytest.raises(PermissionDenied):
        invite(someone)
    with pytest.raises(PermissionDenied):
        change_user(by=someone, user=user, role=User.Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        deactivate_user(by=someone, user=user, reason="No")
    assert not UserChange.objects.exists()


def test_a_deactivated_administrator_manages_nobody():
    admin = AdministratorFactory(is_active=False)
    assert not can_manage_people(admin)


# ------------------------------------------------------------------------------ the record


def test_a_record_of_a_change_is_never_updated_or_deleted():
    record = UserChangeFactory()
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        UserChange.objects.filter(pk=record.pk).update(new_value="administrator")
    with pytest.raises(AppendOnlyError):
        UserChange.objects.all().delete()
    assert UserChange.objects.get(pk=record.pk).new_value == "analyst"


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE accounts_userchange SET new_value = 'administrator'",
        "DELETE FROM accounts_userchange",
        "TRUNCATE accounts_userchange CASCADE",
    ],
    ids=["update", "delete", "truncate"],
)
def test_the_database_refuses_to_rewrite_the_record(statement):
    record = UserChangeFactory()
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(statement)
    assert UserChange.objects.get(pk=record.pk).new_value == "analyst"


def test_someone_with_recorded_changes_cannot_be_deleted():
    record = UserChangeFactory()
    with pytest.raises(ProtectedError):
        record.user.delete()
