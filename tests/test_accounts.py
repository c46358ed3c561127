"""Logging in, failing to, throttling, changing and resetting a password, the home page."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from questionnaire.services.submissions import start_submission
from tests.factories import (
    AdministratorFactory,
    AnalystFactory,
    CountryFactory,
    FocalPointFactory,
    RoundFactory,
)

PASSWORD = "correct horse battery staple"


@pytest.mark.django_db
def test_a_user_logs_in_and_lands_on_the_home_page(client):
    country = CountryFactory(name="Atlantis")
    FocalPointFactory(username="fp", countries=[country])
    response = client.post(reverse("login"), {"username": "fp", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Atlantis" in response.content.decode()


@pytest.mark.django_db
def test_a_wrong_password_shows_an_error_and_logs_nobody_in(client):
    FocalPointFactory(username="fp")
    response = client.post(reverse("login"), {"username": "fp", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_failed_logins_are_throttled_even_with_the_right_password(client, settings):
    FocalPointFactory(username="fp")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "fp", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "fp", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_password_reset_sends_an_email_with_a_link(client):
    FocalPointFactory(username="fp", email="fp@example.org")
    client.post(reverse("password_reset"), {"email": "fp@example.org"})
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


@pytest.mark.django_db
def test_a_new_password_must_pass_the_password_validators(client):
    user = FocalPointFactory(username="fp")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_logging_out_needs_a_post_and_ends_the_session(client):
    client.force_login(FocalPointFactory())
    client.post(reverse("logout"))
    # Signed out, the home page is the public landing page with a way to log in again.
    assert 'id="sign-in"' in client.get(reverse("home")).content.decode()


def test_the_home_page_shows_a_focal_point_their_drafts_to_finish(client, instrument):
    country = CountryFactory(name="Atlantis")
    round_ = RoundFactory(version=instrument, name="Open round")
    start_submission(round=round_, country=country)
    client.force_login(FocalPointFactory(countries=[country]))
    page = client.get(reverse("home")).content.decode()
    assert "Open round" in page and "Atlantis" in page and "Draft" in page and "0 / 30" in page


def test_the_home_page_shows_an_analyst_the_submissions_to_review(client, instrument):
    country = CountryFactory(name="Atlantis")
    round_ = RoundFactory(version=instrument, name="Open round")
    submission = start_submission(round=round_, country=country)
    submission.state = submission.State.SUBMITTED
    submission.save()
    client.force_login(AnalystFactory())
    page = client.get(reverse("home")).content.decode()
    assert "Submissions waiting for review" in page
    assert "Atlantis" in page


@pytest.mark.django_db
def test_an_administrator_reaches_the_admin_and_others_do_not(client):
    client.force_login(AdministratorFactory())
    assert client.get(reverse("admin:index")).status_code == 200
    client.force_login(AnalystFactory())
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.django_db
def test_a_demoted_administrator_loses_the_administrators_rights(client):
    from accounts.models import User

    user = AdministratorFactory()
    assert user.is_superuser and user.is_staff
    user.role = User.Role.FOCAL_POINT
    user.save()
    user.refresh_from_db()
    assert not (user.is_superuser or user.is_staff or user.is_administrator)
    assert user.is_focal_point
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.django_db
def test_createsuperuser_makes_an_administrator():
    from accounts.models import User

    user = User.objects.create_superuser("root", "root@example.org", "a long passphrase here")
    assert user.role == User.Role.ADMINISTRATOR and user.is_administrator


# ---------------------------------------------------------------- throttling resets and changes


def reset(client, email, ip="198.51.100.7"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_password_resets_for_one_address_are_limited_then_refused_clearly(client, settings):
    FocalPointFactory(username="fp", email="fp@example.org")
    for n in range(settings.PASSWORD_RESET_LIMIT):
        assert reset(client, "fp@example.org", ip=f"198.51.100.{n}").status_code == 302
    response = reset(client, "FP@example.org", ip="203.0.113.9")
    assert response.status_code == 429
    assert "Too many password reset requests" in response.content.decode()
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT


@pytest.mark.django_db
def test_password_resets_from_one_network_address_are_limited(client, settings):
    FocalPointFactory(username="fp", email="fp@example.org")
    for n in range(settings.PASSWORD_RESET_LIMIT):
        reset(client, f"someone{n}@example.org")
    assert reset(client, "fp@example.org").status_code == 429
    assert mail.outbox == []
    assert reset(client, "fp@example.org", ip="203.0.113.9").status_code == 302
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_reset_refusal_is_the_same_whether_or_not_the_address_has_an_account(client, settings):
    FocalPointFactory(username="fp", email="known@example.org")
    pages = {}
    for email in ("known@example.org", "unknown@example.org"):
        for n in range(settings.PASSWORD_RESET_LIMIT):
            reset(client, email, ip=f"198.51.100.{n}")
        refused = reset(client, email, ip="203.0.113.9")
        html = refused.content.decode().replace(email, "EMAIL")
        pages[email] = (
            refused.status_code,
            re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html),
        )
    assert pages["known@example.org"] == pages["unknown@example.org"]


@pytest.mark.django_db
def test_the_reset_window_passes(client, settings):
    import datetime

    from accounts.models import PasswordResetRequest

    FocalPointFactory(username="fp", email="fp@example.org")
    for n in range(settings.PASSWORD_RESET_LIMIT):
        reset(client, "fp@example.org", ip=f"198.51.100.{n}")
    settings.PASSWORD_RESET_WINDOW = datetime.timedelta(0)
    assert reset(client, "fp@example.org").status_code == 302
    assert PasswordResetRequest.objects.count() == settings.PASSWORD_RESET_LIMIT + 1


def change_password(client, old):
    return client.post(
        reverse("password_change"),
        {
            "old_password": old,
            "new_password1": "a new long passphrase",
            "new_password2": "a new long passphrase",
        },
    )


@pytest.mark.django_db
def test_wrong_old_passwords_lock_password_changes_like_failed_logins(client, settings):
    user = FocalPointFactory(username="fp")
    client.force_login(user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = change_password(client, "wrong")
        assert response.status_code == 200
        assert "Your old password was entered incorrectly" in response.content.decode()
    locked = change_password(client, "wrong")
    assert locked.status_code == 429
    assert "changing your password is paused" in locked.content.decode()
    # Even the right old password is refused now, and the password is unchanged.
    assert change_password(client, PASSWORD).status_code == 429
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_wrong_old_passwords_count_as_failed_logins(client, settings):
    user = FocalPointFactory(username="fp")
    client.force_login(user)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        change_password(client, "wrong")
    client.logout()
    response = client.post(reverse("login"), {"username": "fp", "password": PASSWORD})
    assert response.status_code == 429


@pytest.mark.django_db
def test_the_failed_attempts_never_keep_the_passwords_typed(client):
    from axes.models import AccessAttempt

    client.force_login(FocalPointFactory(username="fp"))
    change_password(client, "my-secret-guess")
    attempt = AccessAttempt.objects.get(username="fp")
    assert "my-secret-guess" not in attempt.post_data
    assert "a new long passphrase" not in attempt.post_data


@pytest.mark.django_db
def test_a_right_old_password_changes_it(client):
    user = FocalPointFactory(username="fp")
    client.force_login(user)
    assert change_password(client, PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.check_password("a new long passphrase")
