"""In Chromium, in English, French and Spanish: axe-core finds no serious or critical WCAG 2.2 A/AA
violation on the pages people use, and the language selector acts only when asked to."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from geography.models import Country
from questionnaire.models import Round, Submission
from scoring.services.scores import score_validated_submission
from tests.browser.test_login import PASSWORD, log_in
from tests.factories import AnalystFactory, CountryFactory, FocalPointFactory, RoundFactory
from tests.scoring.factories import (
    PublishedResultFactory,
    answers_for_overall,
    answers_with,
    validated_submission,
)

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe-core is injected as an inline script by the test, which the app's CSP rightly blocks."""
    return {**browser_context_args, "bypass_csp": True}


WCAG_A_AND_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
LANGUAGES = ["en", "fr", "es"]


def blocking_violations(page: Page) -> list[dict]:
    """axe-core's WCAG 2.0/2.1/2.2 A and AA violations of the page whose impact is serious or
    critical (minor and moderate ones are reported by axe too, but do not fail a test)."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_A_AND_AA,
    )
    return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {json.dumps(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


def expect_accessible(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    violations = blocking_violations(page)
    assert not violations, f"{page.url} in {language}:\n{describe(violations)}"


def speak(page: Page, live_server, language: str) -> None:
    """Choose the language as the language selector does: Django's language cookie."""
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )


@pytest.fixture
def round_2021(instrument):
    return RoundFactory(
        version=instrument,
        code="inquiry-13",
        name="Thirteenth Inquiry",
        reference_year=2021,
        state=Round.State.PUBLISHED,
    )


@pytest.fixture
def kenya_scored(round_2021, all_countries):
    """Kenya's validated answers of 2021, scored with imputed items, beside an imported result;
    two more scored countries so that the aggregates have rows."""
    kenya = Country.objects.get(iso3="KEN")
    submission = validated_submission(
        round=round_2021,
        country=kenya,
        answers=answers_with(legal=("1a",), no=("2a", "5a"), missing=("6e",)),
    )
    score_validated_submission(submission=submission, by=None, reason="Validated after review")
    for iso3, category in (("SEN", 3), ("MEX", 1)):
        score_validated_submission(
            submission=validated_submission(
                round=round_2021,
                country=Country.objects.get(iso3=iso3),
                answers=answers_for_overall(category),
            ),
            by=None,
            reason="",
        )
    PublishedResultFactory(country=kenya, round=round_2021, category=3)
    return kenya


@pytest.fixture
def open_round_for_kenya(kenya_scored, instrument):
    """An open round for Kenya's focal point, with Kenya's 2021 answers as the previous round's."""
    FocalPointFactory(username="fp", first_name="Wanjiru", countries=[kenya_scored])
    open_round = RoundFactory(
        version=instrument, code="open-round", name="Open round", reference_year=2025
    )
    return f"/rounds/{open_round.code}/countries/KEN/questionnaire/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_login_page_and_its_error_are_accessible(page: Page, live_server, language):
    FocalPointFactory(username="fp")
    speak(page, live_server, language)
    page.goto(f"{live_server.url}/accounts/login/")
    expect_accessible(page, language)

    page.locator("#id_username").fill("fp")
    page.locator("#id_password").fill("not the password")
    page.locator("main button[type=submit]").click()
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_be_visible()
    expect_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_password_pages_are_accessible(page: Page, live_server, language):
    FocalPointFactory(username="fp")
    log_in(page, live_server, "fp", PASSWORD)
    speak(page, live_server, language)
    page.goto(f"{live_server.url}/accounts/password_reset/")
    expect(page.locator("#id_email")).to_be_visible()
    expect_accessible(page, language)

    page.goto(f"{live_server.url}/accounts/password_change/")
    page.locator("#id_new_password1").fill("short")
    page.locator("main button[type=submit]").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_home_page_of_a_focal_point_is_accessible(
    page: Page, live_server, language, instrument
):
    country = CountryFactory(name="Atlantis", iso3="ATL")
    FocalPointFactory(username="fp", countries=[country])
    RoundFactory(version=instrument, code="open-round", name="Open round")
    log_in(page, live_server, "fp", PASSWORD)
    speak(page, live_server, language)
    page.goto(f"{live_server.url}/")
    expect(page.locator("main table")).to_contain_text("Atlantis")
    expect_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_home_page_of_an_analyst_is_accessible(page: Page, live_server, language, instrument):
    AnalystFactory(username="analyst")
    open_round = RoundFactory(version=instrument, code="open-round", name="Open round")
    submitted = validated_submission(
        round=open_round, country=CountryFactory(name="Atlantis"), state=Submission.State.SUBMITTED
    )
    Submission.objects.filter(pk=submitted.pk).update(submitted_at=submitted.updated_at)
    log_in(page, live_server, "analyst", PASSWORD)
    speak(page, live_server, language)
    page.goto(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text("Atlantis")
    expect_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_results_pages_are_accessible(page: Page, live_server, language, kenya_scored):
    AnalystFactory(username="analyst")
    log_in(page, live_server, "analyst", PASSWORD)
    speak(page, live_server, language)

    page.goto(f"{live_server.url}/results/")
    expect(page.locator("main table tbody tr")).to_have_count(1)
    expect_accessible(page, language)

    page.goto(f"{live_server.url}/results/inquiry-13/")
    expect(page.locator("#countries")).to_be_visible()
    expect_accessible(page, language)

    page.goto(f"{live_server.url}/results/inquiry-13/?measure=PD_5")
    expect(page.locator("#aggregates")).to_be_visible()
    expect_accessible(page, language)

    page.goto(f"{live_server.url}/results/inquiry-13/KEN/")
    expect(page.locator("#imputed-warning")).to_be_visible()
    expect(page.locator("#history")).to_be_visible()
    expect_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_questionnaire_and_its_problem_list_are_accessible(
    page: Page, live_server, language, open_round_for_kenya
):
    log_in(page, live_server, "fp", PASSWORD)
    speak(page, live_server, language)
    page.goto(live_server.url + open_round_for_kenya)
    expect(page.locator("#questionnaire")).to_be_visible()
    expect_accessible(page, language)

    page.locator("button[name=action][value=submit]").first.click()
    expect(page.locator("#problems")).to_be_visible()
    expect_accessible(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_read_only_questionnaire_is_accessible(
    page: Page, live_server, language, open_round_for_kenya
):
    submission = validated_submission(
        round=Round.objects.get(code="open-round"),
        country=Country.objects.get(iso3="KEN"),
        answers=answers_with(no=("3b",)),
        state=Submission.State.SUBMITTED,
    )
    assert submission.state == Submission.State.SUBMITTED
    log_in(page, live_server, "fp", PASSWORD)
    speak(page, live_server, language)
    page.goto(live_server.url + open_round_for_kenya)
    expect(page.locator("#read-only-reason")).to_be_visible()
    expect_accessible(page, language)


def test_arrow_keys_on_the_language_selector_change_nothing_until_asked(page: Page, live_server):
    FocalPointFactory(username="fp", countries=[CountryFactory(name="Atlantis")])
    log_in(page, live_server, "fp", PASSWORD)
    selector = page.get_by_label("Language")

    selector.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_load_state()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(selector).to_have_value("es")
    page.get_by_role("button", name="Change (Language)").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_contain_text("bienvenida")


def test_keyboard_focus_is_outlined_on_every_control_of_the_home_page(
    page: Page, live_server, instrument
):
    FocalPointFactory(username="fp", countries=[CountryFactory(name="Atlantis", iso3="ATL")])
    RoundFactory(version=instrument, code="open-round", name="Open round")
    log_in(page, live_server, "fp", PASSWORD)
    expect(page.locator("main table")).to_contain_text("Atlantis")

    focused = []
    for _ in range(10):
        page.keyboard.press("Tab")
        focused.append(
            page.evaluate(
                """() => {
                    const element = document.activeElement;
                    const style = getComputedStyle(element);
                    return {
                        element: element.id || element.textContent.trim(),
                        outline: style.outlineStyle,
                        width: parseFloat(style.outlineWidth),
                    };
                }"""
            )
        )

    names = [f["element"] for f in focused]
    assert names[0] == "Skip to main content"
    assert {"language-select", "Change (Language)", "Open questionnaire"} <= set(names), names
    faint = [f for f in focused if f["outline"] == "none" or f["width"] < 2]
    assert not faint, faint


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_public_results_pages_are_accessible(page: Page, live_server, language):
    call_command("load_reference_data", verbosity=0)
    speak(page, live_server, language)
    for path in (
        "/",
        "/published/",
        "/published/inquiry-13-2021/",
        "/published/countries/DNK/",
        "/api/",
    ):
        page.goto(live_server.url + path)
        expect_accessible(page, language)
