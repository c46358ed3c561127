"""People in the admin: inviting without a password, recorded changes, deactivating with a reason,
sending an invitation again, the bulk import's upload, dry run and confirmation, in EN/FR/ES."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User, UserChange
from tests.accounts.factories import UserChangeFactory
from tests.factories import AdministratorFactory, AnalystFactory, CountryFactory, FocalPointFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:accounts_user_add")
CHANGELIST = reverse("admin:accounts_user_changelist")
IMPORT = reverse("admin:accounts_user_import")

GOOD_CSV = b"name,email,country,language\nAwa Ndiaye,awa@example.org,SEN,fr\n"


@pytest.fixture
def admin_client(client):
    admin = AdministratorFactory(username="boss")
    client.force_login(admin)
    client.admin = admin
    return client


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def change_form_data(user, **overrides):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "preferred_language": user.preferred_language,
        "role": user.role,
        "countries": [c.pk for c in user.countries.all()],
        "regions": [r.pk for r in user.regions.all()],
        "is_active": "on" if user.is_active else "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2030-01-01",
        "date_joined_1": "00:00:00",
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
        "changes-MIN_NUM_FORMS": "0",
        "changes-MAX_NUM_FORMS": "0",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


# ------------------------------------------------------------------------------ inviting


def test_the_add_form_invites_and_has_no_password_fields(admin_client):
    page = admin_client.get(ADD).content.decode()
    assert 'name="email"' in page and 'name="preferred_language"' in page
    assert "password1" not in page and "password2" not in page


def test_inviting_from_the_admin_sends_the_invitation_after_commit(
    admin_client, django_capture_on_commit_callbacks
):
    kenya = CountryFactory(iso3="KEN", name="Kenya")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            ADD,
            {
                "email": "wanjiru@example.org",
                "first_name": "Wanjiru",
                "last_name": "Kamau",
                "role": User.Role.FOCAL_POINT,
                "countries": [kenya.pk],
                "preferred_language": "es",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="wanjiru@example.org")
    assert user.password.startswith(UNUSABLE_PASSWORD_PREFIX)
    assert list(user.countries.all()) == [kenya]
    assert [m.to for m in mail.outbox] == [["wanjiru@example.org"]]
    assert mail.outbox[0].extra_headers["Content-Language"] == "es"
    assert "http://testserver/accounts/reset/" in mail.outbox[0].body
    assert UserChange.objects.filter(user=user, changed_by=admin_client.admin).count() == 4


def test_inviting_with_a_mail_server_down_still_invites(
    admin_client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.accounts.mail_backends.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            ADD,
            {"email": "awa@example.org", "role": User.Role.FOCAL_POINT, "preferred_language": "fr"},
        )
    assert response.status_code == 302
    assert User.objects.filter(email="awa@example.org").exists()


def test_an_address_already_in_use_is_refused_in_the_form(admin_client):
    FocalPointFactory(email="awa@example.org")
    response = admin_client.post(
        ADD, {"email": "AWA@example.org", "role": User.Role.FOCAL_POINT, "preferred_language": "fr"}
    )
    assert response.status_code == 200
    assert "already has this e-mail address" in response.content.decode()
    assert User.objects.filter(email__iexact="awa@example.org").count() == 1


# ------------------------------------------------------------------------------ changing


def test_a_role_and_country_change_in_the_form_is_recorded(admin_client):
    kenya, senegal = CountryFactory(iso3="KEN"), CountryFactory(iso3="SEN")
    user = FocalPointFactory(countries=[kenya], first_name="Awa")
    response = admin_client.post(
        change_url(user),
        change_form_data(user, countries=[kenya.pk, senegal.pk], first_name="Awa Marie"),
    )
    assert response.status_code == 302, response.content.decode()
    user.refresh_from_db()
    assert user.first_name == "Awa Marie"
    assert set(user.countries.values_list("iso3", flat=True)) == {"KEN", "SEN"}
    record = UserChange.objects.get(user=user)
    assert (record.field, record.old_value, record.new_value) == ("countries", "KEN", "KEN, SEN")
    assert record.changed_by == admin_client.admin
    # The person's page shows the history.
    page = admin_client.get(change_url(user)).content.decode()
    assert "KEN, SEN" in page


def test_the_form_refuses_to_let_an_administrator_demote_themselves(admin_client):
    admin = admin_client.admin
    response = admin_client.post(change_url(admin), change_form_data(admin, role=User.Role.ANALYST))
    assert response.status_code == 200
    assert "your own administrator role" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_administrator


def test_deactivating_asks_for_a_reason_then_records_it(admin_client):
    user = FocalPointFactory()
    action = {"action": "deactivate_selected", "_selected_action": [user.pk]}
    asked = admin_client.post(CHANGELIST, action)
    assert asked.status_code == 200
    assert 'name="reason"' in asked.content.decode()
    no_reason = admin_client.post(CHANGELIST, {**action, "deactivate": "1", "reason": ""})
    assert no_reason.status_code == 200
    user.refresh_from_db()
    assert user.is_active
    done = admin_client.post(
        CHANGELIST, {**action, "deactivate": "1", "reason": "Left the ministry"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    record = UserChange.objects.get(user=user)
    assert record.reason == "Left the ministry" and record.changed_by == admin_client.admin


def test_people_are_deactivated_never_deleted(admin_client):
    user = FocalPointFactory()
    page = admin_client.get(CHANGELIST).content.decode()
    assert "delete_selected" not in page
    assert admin_client.post(reverse("admin:accounts_user_delete", args=[user.pk])).status_code in (
        302,
        403,
    )
    assert User.objects.filter(pk=user.pk).exists()


def test_the_invitation_can_be_sent_again_from_the_list(
    admin_client, django_capture_on_commit_callbacks
):
    invited = FocalPointFactory(password=None)
    invited.set_unusable_password()
    invited.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            CHANGELIST, {"action": "send_invitation_again", "_selected_action": [invited.pk]}
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[invited.email]]


def test_the_record_of_changes_is_read_only_in_the_admin(admin_client):
    record = UserChangeFactory()
    assert admin_client.get(reverse("admin:accounts_userchange_changelist")).status_code == 200
    assert (
        admin_client.get(reverse("admin:accounts_userchange_change", args=[record.pk])).status_code
        == 200
    )
    assert admin_client.get(reverse("admin:accounts_userchange_add")).status_code == 403
    page = admin_client.get(reverse("admin:accounts_userchange_changelist")).content.decode()
    # Roles are shown by their name, not their code.
    assert "Analyst" in page and ">analyst<" not in page


# ------------------------------------------------------------------------------ bulk import


def upload(client, content=GOOD_CSV, name="people.csv"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


def test_the_user_list_links_to_the_import(admin_client):
    assert IMPORT in admin_client.get(CHANGELIST).content.decode()


def test_the_dry_run_page_shows_the_plan_and_writes_nothing(admin_client):
    CountryFactory(iso3="SEN", name="Senegal")
    page = upload(admin_client)
    html = page.content.decode()
    assert page.status_code == 200
    assert "awa@example.org" in html and "Senegal" in html
    assert 'name="confirm"' in html
    assert not User.objects.filter(email="awa@example.org").exists()


def test_confirming_imports_and_sends_the_invitations(
    admin_client, django_capture_on_commit_callbacks
):
    CountryFactory(iso3="SEN", name="Senegal")
    html = upload(admin_client).content.decode()
    signed = re.search(r'name="data" value="([^"]+)"', html).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(IMPORT, {"confirm": "1", "data": signed})
    assert done.status_code == 302
    awa = User.objects.get(email="awa@example.org")
    assert list(awa.countries.values_list("iso3", flat=True)) == ["SEN"]
    assert [m.to for m in mail.outbox] == [["awa@example.org"]]


def test_a_tampered_confirmation_changes_nothing(admin_client):
    CountryFactory(iso3="SEN", name="Senegal")
    html = upload(admin_client).content.decode()
    signed = re.search(r'name="data" value="([^"]+)"', html).group(1)
    response = admin_client.post(IMPORT, {"confirm": "1", "data": signed[:-2] + "xx"})
    assert response.status_code == 400
    assert "upload the file again" in response.content.decode()
    assert not User.objects.filter(email="awa@example.org").exists()


def test_a_confirmation_is_for_the_administrator_who_checked_the_file(admin_client, client):
    CountryFactory(iso3="SEN", name="Senegal")
    html = upload(admin_client).content.decode()
    signed = re.search(r'name="data" value="([^"]+)"', html).group(1)
    admin_client.force_login(AdministratorFactory())
    response = admin_client.post(IMPORT, {"confirm": "1", "data": signed})
    assert response.status_code == 400
    assert not User.objects.filter(email="awa@example.org").exists()


def test_the_dry_run_shows_problems_with_line_numbers_and_offers_no_import(admin_client):
    CountryFactory(iso3="SEN", name="Senegal")
    page = upload(admin_client, GOOD_CSV + b"Someone,someone@example.org,Atlantis,en\n")
    html = page.content.decode()
    assert "<td>3</td>" in html and "Atlantis" in html
    assert 'name="confirm"' not in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("people.pdf", b"%PDF-1.4", "Only CSV"),
        ("people.csv", b"", "The submitted file is empty"),
        ("people.csv", b"name;email\nA;a@example.org\n", "Missing: country, language"),
    ],
    ids=["not-csv", "empty", "wrong-columns"],
)
def test_a_bad_file_gets_a_clear_message_and_changes_nothing(admin_client, name, content, message):
    page = upload(admin_client, content, name)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert User.objects.count() == 1


def test_an_oversized_file_is_refused(admin_client):
    from accounts.bulk_import import MAX_BYTES

    page = upload(admin_client, b"x" * (MAX_BYTES + 10))
    assert page.status_code == 400
    assert "too large" in page.content.decode()


# ------------------------------------------------------------------------------ who and languages


@pytest.mark.parametrize("who", [AnalystFactory, FocalPointFactory])
def test_others_cannot_reach_the_people_pages(client, who):
    client.force_login(who())
    for url in (IMPORT, ADD, CHANGELIST, reverse("admin:accounts_userchange_changelist")):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    response = client.post(IMPORT, {"file": SimpleUploadedFile("people.csv", GOOD_CSV)})
    assert response.status_code == 302
    assert not User.objects.filter(email="awa@example.org").exists()


@pytest.mark.parametrize(("language", "home"), [("fr", "Accueil"), ("es", "Inicio")])
def test_the_people_pages_render_in_french_and_spanish(admin_client, language, home):
    CountryFactory(iso3="SEN", name="Senegal", name_fr="Sénégal", name_es="Senegal")
    user = FocalPointFactory()
    UserChangeFactory(user=user)
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages = [
        admin_client.get(CHANGELIST),
        admin_client.get(ADD),
        admin_client.get(change_url(user)),
        admin_client.get(IMPORT),
        upload(admin_client),
        admin_client.post(
            CHANGELIST, {"action": "deactivate_selected", "_selected_action": [user.pk]}
        ),
        admin_client.get(reverse("admin:accounts_userchange_changelist")),
    ]
    for page in pages:
        assert page.status_code == 200, page.request
        html = page.content.decode()
        assert f'lang="{language}"' in html and home in html


def test_an_analyst_is_assigned_places_never_a_un_grouping(admin_client):
    from geography.models import Region
    from tests.factories import RegionFactory

    sdg = RegionFactory(kind=Region.Kind.SDG, m49="202", name="Sub-Saharan Africa")
    ldcs = RegionFactory(kind=Region.Kind.GROUPING, m49="199", name="Least developed countries")

    choices = admin_client.get(ADD).context["adminform"].form.fields["regions"].queryset

    assert sdg in choices and ldcs not in choices
