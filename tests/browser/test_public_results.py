"""In Chromium, as an anonymous visitor: the public page of the 2021 round draws its charts and its
world map (screenshots taken in English, French and Spanish), its table of countries sorts, and its
Excel report downloads."""

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.django_db(transaction=True)

ROUND_URL = "/published/inquiry-13-2021/"

# Pixels of a chart's canvas that are drawn (not transparent, not white).
DRAWN_PIXELS = """canvas => {
  const {data} = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let drawn = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0 && !(data[i] > 250 && data[i + 1] > 250 && data[i + 2] > 250)) drawn++;
  }
  return drawn;
}"""


@pytest.fixture
def real_figures(transactional_db):
    call_command("load_reference_data", verbosity=0)


def visitor(browser: Browser, locale: str) -> Page:
    return browser.new_context(locale=locale, viewport={"width": 1200, "height": 900}).new_page()


@pytest.mark.parametrize(
    ("locale", "headline"),
    [("en-GB", "62.3%"), ("fr-FR", "62,3\u202f%"), ("es-ES", "62,3\u00a0%")],
)
def test_the_round_page_draws_its_charts_and_map(
    browser: Browser, live_server, real_figures, tmp_path, locale, headline
):
    page = visitor(browser, locale)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(live_server.url + ROUND_URL)

    expect(page.locator("#headline strong")).to_have_text(headline)
    charts = page.locator("canvas.distribution-chart")
    expect(charts).to_have_count(7)
    expect(page.locator("#world-map svg path.map-area").first).to_be_attached()
    for index in range(7):
        expect(charts.nth(index)).to_have_attribute("data-drawn", "true")
        assert charts.nth(index).evaluate(DRAWN_PIXELS) > 2000, index
    # Every country of the indicator with a result has its shape (or its dot) coloured.
    coloured = page.locator("#world-map path.map-area:is(.cat-1, .cat-2, .cat-3, .cat-4)")
    assert coloured.count() >= 130
    assert page.locator("#world-map path.map-area.no-result").count() >= 50
    shot = tmp_path / f"public-round-{locale}.png"
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 100_000
    assert errors == []


def test_the_countries_table_sorts_by_a_column_from_the_keyboard(
    browser: Browser, live_server, real_figures
):
    page = visitor(browser, "en-GB")
    page.goto(live_server.url + ROUND_URL)
    table = page.locator("#countries")
    names = table.locator("tbody tr th")
    expect(names.first).to_contain_text("Afghanistan")

    overall = table.get_by_role("button", name="Overall")
    overall.focus()
    page.keyboard.press("Enter")

    expect(overall.locator("xpath=..")).to_have_attribute("aria-sort", "ascending")
    ranks = table.locator("tbody tr td:nth-child(3)").evaluate_all(
        "cells => cells.map(cell => Number(cell.dataset.sort))"
    )
    assert ranks == sorted(ranks) and ranks[0] == 1 and ranks[-1] == 4

    overall.click()
    expect(overall.locator("xpath=..")).to_have_attribute("aria-sort", "descending")
    ranks = table.locator("tbody tr td:nth-child(3)").evaluate_all(
        "cells => cells.map(cell => Number(cell.dataset.sort))"
    )
    assert ranks == sorted(ranks, reverse=True)
    expect(table.locator("th").first).to_have_attribute("aria-sort", "none")


def test_the_excel_report_downloads(browser: Browser, live_server, real_figures):
    page = visitor(browser, "en-GB")
    page.goto(live_server.url + ROUND_URL)

    with page.expect_download() as download:
        page.locator("#round-report-link").click()

    assert download.value.suggested_filename.endswith(".xlsx")
    assert "2021" in download.value.suggested_filename
