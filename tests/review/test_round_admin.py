"""A round's page for administrators, the round admin, and the home page's review part."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from questionnaire.models import Round
from review.models import DeadlineExtension, PublicationExclusion, RoundEvent
from review.services.rounds import round_close
from scoring.models import Release
from tests.factories import (
    AdministratorFactory,
    AnalystFactory,
    CountryFactory,
    FocalPointFactory,
    RoundFactory,
)
from tests.test_security_headers import inline_code

from . import dashboard_states as states

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_user(db):
    return AdministratorFactory(username="ada", first_name="Ada", last_name="Lovelace")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def round_(instrument):
    return RoundFactory(version=instrument, code="r2030", name="Round 2030", reference_year=2030)


@pytest.fixture
def planned(instrument):
    return RoundFactory(
        version=instrument, code="planned", reference_year=2040, state=Round.State.PLANNED
    )


def manage_url(round_, name="review:round", **kwargs):
    return reverse(name, kwargs={"round_code": round_.code, **kwargs})


def action_url(round_, action):
    return manage_url(round_, "review:round_action", action=action)


def fresh(round_):
    return Round.objects.get(pk=round_.pk)


def alerts(html: str) -> list[str]:
    found = re.findall(r'<div class="alert alert-(\w+)"[^>]*>(.*?)</div>', html, re.S)
    return [f"{kind}: {re.sub(r'<[^>]+>', '', text).strip()}" for kind, text in found]


# --- Who may manage a round --------------------------------------------------------------------


@pytest.mark.parametrize("role", ["analyst", "focal point"])
def test_only_an_administrator_manages_a_round(client, round_, role):
    user = AnalystFactory() if role == "analyst" else FocalPointFactory()
    client.force_login(user)
    response = client.get(manage_url(round_))
    assert response.status_code == 403
    assert "Only an administrator manages rounds." in response.content.decode()
    response = client.post(action_url(round_, "close"))
    assert response.status_code == 403
    assert fresh(round_).state == Round.State.OPEN
    assert not RoundEvent.objects.filter(round=round_, action=RoundEvent.Action.CLOSED).exists()


def test_a_round_or_an_action_that_does_not_exist_is_not_found(admin_client, round_):
    assert admin_client.get("/review/rounds/no-such-round/manage/").status_code == 404
    assert admin_client.post(action_url(round_, "destroy")).status_code == 404


def test_a_get_on_an_action_changes_nothing(admin_client, round_):
    response = admin_client.get(action_url(round_, "close"))
    assert response.status_code == 302
    assert fresh(round_).state == Round.State.OPEN


# --- The page ------------------------------------------------------------------------------------


def test_the_page_shows_the_state_the_dates_and_the_actions_the_table_allows(admin_client, planned):
    html = admin_client.get(manage_url(planned)).content.decode()
    assert re.search(r'id="round-state">Planned<', html)
    assert planned.opens_on.strftime("%Y") in html
    assert "Open the round" in html and "Close the round" not in html
    assert 'id="publish-form"' not in html


def test_opening_and_closing_go_through_the_services_and_are_recorded(
    admin_client, planned, admin_user
):
    response = admin_client.post(action_url(planned, "open"), follow=True)
    assert fresh(planned).state == Round.State.OPEN
    assert any("Open the round" in a for a in alerts(response.content.decode()))
    admin_client.post(action_url(planned, "close"))
    assert fresh(planned).state == Round.State.CLOSED
    events = list(RoundEvent.objects.filter(round=planned).order_by("pk"))
    assert [(e.action, e.from_state, e.to_state, e.actor) for e in events] == [
        ("opened", "planned", "open", admin_user),
        ("closed", "open", "closed", admin_user),
    ]
    html = admin_client.get(manage_url(planned)).content.decode()
    history = html[html.index('id="history"') :]
    assert "Ada Lovelace" in history and "Opened" in history and "Closed" in history


def test_an_action_the_table_does_not_allow_now_is_refused_and_changes_nothing(
    admin_client, planned
):
    response = admin_client.post(action_url(planned, "close"), follow=True)
    assert fresh(planned).state == Round.State.PLANNED
    assert alerts(response.content.decode()) == [
        "danger: Nothing was changed. This cannot be done now: it is planned."
    ]
    assert not RoundEvent.objects.filter(round=planned).exists()


def test_publishing_needs_its_confirmation(admin_client, round_):
    round_close(round=round_, by=None, reason="test")
    html = admin_client.get(manage_url(round_)).content.decode()
    assert 'id="publish-form"' in html and 'name="publish-confirm"' in html
    response = admin_client.post(action_url(round_, "publish"), {"publish-reason": "Ready."})
    assert fresh(round_).state == Round.State.CLOSED
    assert "tick the box to confirm" in response.content.decode().lower()
    assert not Release.objects.filter(round=round_).exists()


def test_publishing_is_refused_while_a_submission_is_not_validated(admin_client, round_):
    kenya = CountryFactory(iso3="KEN", name="Kenya")
    states.submitted(round_, kenya)
    states.validated(round_, CountryFactory())
    round_close(round=round_, by=None, reason="test")
    html = admin_client.get(manage_url(round_)).content.decode()
    assert "Kenya" in html[html.index('id="unsettled"') :]
    response = admin_client.post(
        action_url(round_, "publish"), {"publish-confirm": "on"}, follow=True
    )
    messages = alerts(response.content.decode())
    assert len(messages) == 1 and messages[0].startswith("danger: Nothing was changed.")
    assert "neither validated nor excluded" in messages[0] and "Kenya" in messages[0]
    assert fresh(round_).state == Round.State.CLOSED
    assert not Release.objects.filter(round=round_).exists()
    assert not RoundEvent.objects.filter(round=round_, action="published").exists()


def test_publishing_works_once_the_unsettled_country_is_excluded(admin_client, round_, admin_user):
    kenya = CountryFactory(iso3="KEN", name="Kenya")
    states.returned(round_, kenya)
    states.validated(round_, CountryFactory())
    round_close(round=round_, by=None, reason="test")

    refused = admin_client.post(
        manage_url(round_, "review:round_exclude"),
        {"exclusion-country": kenya.pk, "exclusion-reason": "  "},
    )
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    assert not PublicationExclusion.objects.exists()

    admin_client.post(
        manage_url(round_, "review:round_exclude"),
        {"exclusion-country": kenya.pk, "exclusion-reason": "No answer to the queries."},
    )
    exclusion = PublicationExclusion.objects.get(round=round_)
    assert (exclusion.country, exclusion.excluded_by) == (kenya, admin_user)
    assert 'id="nothing-unsettled"' in admin_client.get(manage_url(round_)).content.decode()

    response = admin_client.post(
        action_url(round_, "publish"), {"publish-confirm": "on"}, follow=True
    )
    assert fresh(round_).state == Round.State.PUBLISHED
    assert Release.objects.filter(round=round_).count() == 1
    assert any(
        a.startswith("success: The round is published") for a in alerts(response.content.decode())
    )
    actions = list(RoundEvent.objects.filter(round=round_).values_list("action", flat=True))
    assert actions[-2:] == ["country_excluded", "published"]
    html = admin_client.get(manage_url(round_)).content.decode()
    assert "nothing more can be done" in html and 'id="dates-form"' not in html


def test_only_an_unsettled_country_can_be_excluded(admin_client, round_):
    senegal = CountryFactory(name="Senegal")
    states.validated(round_, senegal)
    response = admin_client.post(
        manage_url(round_, "review:round_exclude"),
        {"exclusion-country": senegal.pk, "exclusion-reason": "Why not."},
    )
    assert response.status_code == 200
    assert not PublicationExclusion.objects.exists()


def test_changing_the_dates_needs_a_reason_and_is_recorded(admin_client, round_, admin_user):
    new_close = round_.closes_on + datetime.timedelta(days=30)
    data = {
        "dates-opens_on": round_.opens_on.isoformat(),
        "dates-closes_on": new_close.isoformat(),
        "dates-reason": "",
    }
    admin_client.post(manage_url(round_, "review:round_dates"), data)
    assert fresh(round_).closes_on == round_.closes_on
    admin_client.post(
        manage_url(round_, "review:round_dates"), {**data, "dates-reason": "Elections."}
    )
    assert fresh(round_).closes_on == new_close
    event = RoundEvent.objects.get(round=round_, action="dates_changed")
    assert (event.actor, event.reason) == (admin_user, "Elections.")


def test_dates_refused_by_the_service_are_shown_and_nothing_changes(admin_client, round_):
    response = admin_client.post(
        manage_url(round_, "review:round_dates"),
        {
            "dates-opens_on": "2030-06-30",
            "dates-closes_on": "2030-01-01",
            "dates-reason": "Typo.",
        },
    )
    assert "A round cannot close before it opens." in response.content.decode()
    assert fresh(round_).closes_on == round_.closes_on
    assert not RoundEvent.objects.filter(action="dates_changed").exists()


def test_a_country_s_deadline_is_extended_with_a_reason(admin_client, round_):
    kenya = CountryFactory(iso3="KEN", name="Kenya")
    later = round_.closes_on + datetime.timedelta(days=14)
    admin_client.post(
        manage_url(round_, "review:round_extend"),
        {
            "extension-country": kenya.pk,
            "extension-closes_on": later.isoformat(),
            "extension-reason": "Floods.",
        },
    )
    extension = DeadlineExtension.objects.get(round=round_)
    assert (extension.country, extension.closes_on) == (kenya, later)
    assert RoundEvent.objects.filter(round=round_, action="deadline_extended").exists()
    # An earlier date is refused by the service, with its message.
    response = admin_client.post(
        manage_url(round_, "review:round_extend"),
        {
            "extension-country": kenya.pk,
            "extension-closes_on": round_.closes_on.isoformat(),
            "extension-reason": "Oops.",
        },
    )
    assert "must be after the current one for Kenya" in response.content.decode()
    assert DeadlineExtension.objects.filter(round=round_).count() == 1


@pytest.mark.parametrize("language, date", [("fr", "31 déc. 2030"), ("es", "31 dic. 2030")])
def test_the_round_page_and_its_history_speak_the_page_language(
    admin_client, round_, language, date
):
    from django.conf import settings

    Round.objects.filter(pk=round_.pk).update(
        opens_on=datetime.date(2030, 1, 15), closes_on=datetime.date(2030, 12, 31)
    )
    round_.refresh_from_db()
    admin_client.post(
        manage_url(round_, "review:round_dates"),
        {
            "dates-opens_on": "2030-01-15",
            "dates-closes_on": "2031-01-31",
            "dates-reason": "More time.",
        },
    )
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = admin_client.get(manage_url(round_)).content.decode()
    assert f'lang="{language}"' in html
    history = html[html.index('id="history"') :]
    assert f"{date} →" in history
    assert "2030-12-31" not in history and "dates_changed" not in history
    assert not any(inline_code(html).values())


# --- The Django admin ---------------------------------------------------------------------------


def test_the_admin_shows_the_state_read_only_and_links_to_the_round_page(admin_client, round_):
    html = admin_client.get(
        reverse("admin:questionnaire_round_change", args=[round_.pk])
    ).content.decode()
    assert 'name="state"' not in html
    assert manage_url(round_) in html


def test_a_round_created_in_the_admin_is_planned(admin_client, instrument):
    response = admin_client.post(
        reverse("admin:questionnaire_round_add"),
        {
            "code": "new-round",
            "name": "New round",
            "reference_year": "2050",
            "version": instrument.pk,
            "opens_on": "2050-01-01",
            "closes_on": "2050-06-30",
            "state": "published",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Round.objects.get(code="new-round").state == Round.State.PLANNED


def test_admin_actions_open_and_close_rounds_through_the_services(
    admin_client, planned, round_, admin_user
):
    changelist = reverse("admin:questionnaire_round_changelist")
    response = admin_client.post(
        changelist,
        {"action": "open_rounds", "_selected_action": [planned.pk, round_.pk]},
        follow=True,
    )
    assert fresh(planned).state == Round.State.OPEN
    event = RoundEvent.objects.get(round=planned)
    assert (event.action, event.actor) == ("opened", admin_user)
    # The open round could not be opened again: said, and nothing changed.
    html = response.content.decode()
    assert "nothing was changed" in html and "it is open" in html
    assert not RoundEvent.objects.filter(round=round_, action="opened", actor=admin_user).exists()

    admin_client.post(changelist, {"action": "close_rounds", "_selected_action": [round_.pk]})
    assert fresh(round_).state == Round.State.CLOSED
    assert RoundEvent.objects.filter(round=round_, action="closed", actor=admin_user).exists()


# --- The home page ------------------------------------------------------------------------------


def test_the_home_page_shows_an_analyst_what_waits_per_round(client, round_):
    states.submitted(round_, CountryFactory(name="Atlantis"))
    states.answered_query(states.submitted(round_, CountryFactory()))
    states.returned(round_, CountryFactory())
    client.force_login(AnalystFactory())
    html = client.get(reverse("home")).content.decode()
    row = re.search(r"<tr>\s*<th scope=\"row\"[^>]*>Round 2030.*?</tr>", html, re.S).group(0)
    numbers = re.findall(r'<td class="text-end">(\d+)</td>', row)
    assert numbers == ["2", "1", "1"]
    assert reverse("review:dashboard", kwargs={"round_code": round_.code}) in row
    assert manage_url(round_) not in html
    assert "Atlantis" in html


def test_the_home_page_gives_an_administrator_the_round_page_too(admin_client, round_):
    html = admin_client.get(reverse("home")).content.decode()
    assert manage_url(round_) in html


def test_the_home_page_tells_a_focal_point_to_correct_a_returned_submission(client, round_):
    kenya = CountryFactory(name="Kenya")
    focal_point = FocalPointFactory(countries=[kenya])
    submission = states.returned(round_, kenya)
    from review.services.queries import query_raise

    query_raise(submission=submission, by=AnalystFactory(), text="Which law?")
    client.force_login(focal_point)
    html = client.get(reverse("home")).content.decode()
    row = re.search(r"<tr>\s*<td>Round 2030</td>.*?</tr>", html, re.S).group(0)
    assert "Returned: correct and submit again" in row
    assert "<td>1</td>" in row


def test_a_returned_submission_of_a_closed_round_stays_on_the_focal_point_s_home_page(
    client, round_
):
    kenya = CountryFactory(name="Kenya")
    focal_point = FocalPointFactory(countries=[kenya])
    states.returned(round_, kenya)
    round_close(round=round_, by=None, reason="test")
    client.force_login(focal_point)
    html = client.get(reverse("home")).content.decode()
    assert "Returned: correct and submit again" in html


def test_the_home_page_dates_are_local(client, round_):
    # The date written on the analyst's home page is the round's closing date in the page's format.
    client.force_login(AnalystFactory())
    html = client.get(reverse("home")).content.decode()
    assert round_.closes_on.strftime("%Y") in html
    assert timezone.localdate().isoformat() not in html
