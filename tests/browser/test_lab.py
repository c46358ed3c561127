"""In Chromium: an analyst creates a variant of the methodology (Meets from 75), runs it on a round
and reads the transition matrix and the aggregates side by side."""

import re

import pytest
from playwright.sync_api import Page, expect

from geography.models import Country
from tests.browser.test_accessibility import blocking_violations, describe
from tests.browser.test_login import PASSWORD, log_in
from tests.factories import AnalystFactory, RoundFactory
from tests.lab.test_pages import AT_78_3
from tests.scoring.factories import answers_for_overall, validated_submission

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe-core is injected as an inline script by the test, which the app's CSP rightly blocks."""
    return {**browser_context_args, "bypass_csp": True}


def expect_no_blocking_violation(page: Page) -> None:
    violations = blocking_violations(page)
    assert not violations, describe(violations)


@pytest.fixture
def round_2021(instrument, all_countries):
    round_ = RoundFactory(version=instrument, code="2021", name="2021", reference_year=2021)
    validated_submission(round=round_, country=Country.objects.get(iso3="SEN"), answers=AT_78_3)
    validated_submission(
        round=round_, country=Country.objects.get(iso3="MLI"), answers=answers_for_overall(4)
    )
    AnalystFactory(username="analyst", first_name="Amina")
    return round_


def test_an_analyst_creates_a_variant_and_compares_it_on_a_round(
    page: Page, live_server, round_2021
):
    log_in(page, live_server, "analyst", PASSWORD)
    page.get_by_role("link", name="Methodology lab").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Methodology lab")
    expect(page.locator("#official-note")).to_contain_text("The official methodology")
    expect_no_blocking_violation(page)
    page.get_by_role("link", name="New variant").click()
    expect_no_blocking_violation(page)

    page.get_by_label("Name").fill("Meets from 75")
    page.get_by_label("Why").fill("Is 80 too strict for Meets?")
    page.get_by_role("group", name=re.compile(r"^1\. ")).get_by_label(
        "Yes, only for those with legal immigration status"
    ).fill("0")
    thresholds = page.get_by_role("group", name="Thresholds: lowest score of each category")
    thresholds.get_by_label("Meets", exact=True).fill("75")
    page.get_by_role("button", name="Save the variant").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Meets from 75")
    expect(page.locator("#not-official")).to_contain_text("Variant, not official")
    expect_no_blocking_violation(page)
    page.get_by_role("link", name="Compare on 2021").click()

    expect(page.locator("#not-official")).to_contain_text("Variant, not official")
    matrix = page.get_by_role("table", name=re.compile("official \\(rows\\) and variant"))
    partially = matrix.get_by_role("row", name=re.compile("^Partially meets"))
    expect(partially.get_by_role("cell")).to_have_text(["0", "0", "1", "0"])
    aggregates = page.locator("#lab-aggregates")
    world = aggregates.get_by_role("row", name=re.compile("^World"))
    expect(world.get_by_role("cell")).to_have_text(
        ["2", "50.0%", "100.0%", "0 / 1 / 0 / 1", "0 / 0 / 1 / 1"]
    )
    senegal = page.locator("#lab-countries").get_by_role("row", name=re.compile("^Senegal"))
    expect(senegal).to_contain_text("up")
    expect_no_blocking_violation(page)

    # A bad number is refused with a message, and the focus can reach the field from it.
    page.goto(live_server.url + "/lab/variants/new/")
    page.get_by_label("Name").fill("Broken")
    page.get_by_label("Why").fill("To see the message")
    thresholds = page.get_by_role("group", name="Thresholds: lowest score of each category")
    thresholds.get_by_label("Meets", exact=True).fill("0.1e1")
    page.get_by_role("button", name="Save the variant").click()
    expect(page.locator("#form-errors")).to_contain_text("Give an exact number")
    expect_no_blocking_violation(page)
