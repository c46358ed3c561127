"""In Chromium: the printable copy of a submitted version, printed to PDF by the browser."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from questionnaire.services.answers import AnswerInput
from tests.browser.test_accessibility import expect_accessible
from tests.browser.test_login import PASSWORD, log_in
from tests.factories import CountryFactory, FocalPointFactory, RoundFactory
from tests.questionnaire.factories import SubmissionFactory, save_as
from tests.questionnaire.test_print_view import needs_weasyprint
from tests.workflow import submit

pytestmark = pytest.mark.django_db(transaction=True)

ITEM_CODES = [f"{domain}{letter}" for domain in range(1, 7) for letter in "abcde"]


@pytest.fixture
def submitted_version(instrument):
    """Kenya's questionnaire, every item answered, submitted as version 1."""
    country = CountryFactory(name="Kenya", iso3="KEN")
    focal_point = FocalPointFactory(username="fp", first_name="Wanjiru", countries=[country])
    round_ = RoundFactory(version=instrument, code="open-round", name="Open round")
    submission = SubmissionFactory(round=round_, country=country)
    answers = {code: AnswerInput(option_code="no") for code in ITEM_CODES}
    answers["1a"] = AnswerInput(option_code="yes_legal", policy_name="Health Act", policy_year=2017)
    save_as(focal_point, submission, answers)
    submit(submission, by=focal_point)
    return f"/rounds/{round_.code}/countries/KEN/questionnaire/print/"


def test_the_print_view_of_a_version_prints_to_an_a4_pdf_without_its_buttons(
    page: Page, live_server, submitted_version
):
    log_in(page, live_server, "fp", PASSWORD)
    page.goto(f"{live_server.url}{submitted_version}?version=1")

    expect(page.get_by_role("heading", level=1)).to_have_text("Questionnaire of Kenya")
    expect(page.locator("#copy-label")).to_have_text("Submitted version 1")
    item = page.locator("#item-1a")
    expect(item.locator(".option.is-selected")).to_contain_text(
        "Yes, only for those with legal immigration status"
    )
    expect(item).to_contain_text("Health Act")
    print_button = page.get_by_role("button", name="Print")
    expect(print_button).to_be_visible()  # shown by print.js (CSP: no inline script)
    expect(page.get_by_role("link", name="Download version 1 as PDF")).to_be_visible()

    page.emulate_media(media="print")
    expect(print_button).to_be_hidden()
    expect(page.locator("#print-toolbar")).to_be_hidden()
    expect(page.locator("#item-1a")).to_be_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 10_000
    # Every page of the browser's PDF is A4 (595 x 842 points).
    assert re.search(rb"/MediaBox\s*\[\s*0 0 595(\.\d+)? 84[12](\.\d+)?\s*\]", pdf)


@needs_weasyprint
def test_the_pdf_link_downloads_the_servers_pdf(page: Page, live_server, submitted_version):
    log_in(page, live_server, "fp", PASSWORD)
    page.goto(f"{live_server.url}{submitted_version}?version=1")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download version 1 as PDF").click()
    download = download_info.value
    assert re.fullmatch(
        r"10\.7\.2-\d{4}-KEN-questionnaire-v1-\d{4}-\d{2}-\d{2}\.pdf", download.suggested_filename
    )
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_print_views_have_no_serious_accessibility_violation(
    browser: Browser, live_server, submitted_version, language
):
    # axe-core is injected as an inline script, which the app's CSP rightly blocks.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server, "fp", PASSWORD)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    for query in ("?version=1", "?copy=blank", ""):
        page.goto(f"{live_server.url}{submitted_version}{query}")
        expect_accessible(page, language)
    context.close()
