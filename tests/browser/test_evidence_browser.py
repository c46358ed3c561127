"""In Chromium: a focal point attaches the text of a law to an item with the keyboard without
losing what they typed, a file chosen before "Save draft" is attached with the save, a file over
the limit is refused as soon as it is chosen, and removing asks first. The pages stay accessible."""

import pytest
from playwright.sync_api import Page, expect

from questionnaire.models import EvidenceFile
from tests.browser.test_accessibility import expect_accessible, speak
from tests.browser.test_login import PASSWORD, log_in
from tests.evidence_samples import pdf_bytes, png_bytes
from tests.factories import CountryFactory, FocalPointFactory, RoundFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe-core is injected as an inline script by the test, which the app's CSP rightly blocks."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def questionnaire(instrument, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    kenya = CountryFactory(iso3="KEN", name="Kenya")
    FocalPointFactory(username="fp", first_name="Wanjiru", countries=[kenya])
    open_round = RoundFactory(version=instrument, code="open-round", reference_year=2025)
    return f"/rounds/{open_round.code}/countries/KEN/questionnaire/"


def a_file(name: str, content: bytes, mime: str) -> dict:
    return {"name": name, "mimeType": mime, "buffer": content}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_attaching_with_the_keyboard_keeps_what_was_typed_and_removing_asks_first(
    page: Page, live_server, questionnaire, language
):
    log_in(page, live_server, "fp", PASSWORD)
    speak(page, live_server, language)
    page.goto(live_server.url + questionnaire)
    page.locator("#id_1a-policy_name").fill("Aliens Act")
    page.locator("#id_1a-evidence_file").set_input_files(
        a_file("Aliens Act.pdf", pdf_bytes(), "application/pdf")
    )
    page.locator("#id_1a-evidence_file").focus()
    page.keyboard.press("Tab")  # to the item's "Attach" button
    expect(page.locator("#files-1a button[data-attach]")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("#files-1a .evidence-file a")).to_have_text("Aliens Act.pdf")
    expect(page.locator("#id_1a-policy_name")).to_have_value("Aliens Act")
    expect_accessible(page, language)

    page.locator("#files-1a .evidence-file button").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#confirm-removal")).to_be_visible()
    expect_accessible(page, language)
    page.locator("#confirm-removal button[type=submit]").press("Enter")
    expect(page.locator("#files-1a .evidence-file")).to_have_count(0)
    assert EvidenceFile.objects.current().count() == 0


def test_a_file_chosen_before_saving_the_draft_is_attached_with_the_save(
    page: Page, live_server, questionnaire
):
    log_in(page, live_server, "fp", PASSWORD)
    page.goto(live_server.url + questionnaire)
    page.locator("#id_2b-comment").fill("See the decree")
    page.locator("#id_2b-evidence_file").set_input_files(
        a_file("decree.png", png_bytes(), "image/png")
    )
    page.get_by_role("button", name="Save draft").first.click()

    expect(page.locator("#files-2b .evidence-file a")).to_have_text("decree.png")
    expect(page.locator("#id_2b-comment")).to_have_value("See the decree")
    assert list(EvidenceFile.objects.values_list("item__code", "original_name")) == [
        ("2b", "decree.png")
    ]


def test_files_too_large_to_send_together_are_refused_as_the_last_is_chosen(
    page: Page, live_server, questionnaire, settings
):
    """Every button of the form sends every chosen file: a request over the limit would be
    refused whole, with what was typed, so the file that goes over is refused at once."""
    settings.EVIDENCE_FILE_MAX_BYTES = 2000
    settings.MAX_UPLOAD_BYTES = 2 * 1024 * 1024 + 3000  # 3000 bytes of files at once
    log_in(page, live_server, "fp", PASSWORD)
    page.goto(live_server.url + questionnaire)
    first = a_file("law.pdf", pdf_bytes() + b"%" * 1200, "application/pdf")
    second = a_file("decree.pdf", pdf_bytes() + b"%" * 1200, "application/pdf")
    page.locator("#id_1a-evidence_file").set_input_files(first)
    page.locator("#id_1b-evidence_file").set_input_files(second)

    problem = page.locator("#id_1b-evidence_file-chosen-error")
    expect(problem).to_contain_text("“decree.pdf” cannot be sent with the other files chosen")
    expect(page.locator("#id_1b-evidence_file")).to_have_value("")
    expect(page.locator("#id_1a-evidence_file-chosen-error")).to_have_count(0)


def test_a_file_over_the_limit_is_refused_as_soon_as_it_is_chosen(
    page: Page, live_server, questionnaire, settings
):
    settings.EVIDENCE_FILE_MAX_BYTES = 1000
    log_in(page, live_server, "fp", PASSWORD)
    page.goto(live_server.url + questionnaire)
    page.locator("#id_1a-evidence_file").set_input_files(
        a_file("scan.pdf", pdf_bytes() + b"%" * 2000, "application/pdf")
    )
    problem = page.locator("#id_1a-evidence_file-chosen-error")
    expect(problem).to_contain_text("“scan.pdf” is larger than")
    expect(page.locator("#id_1a-evidence_file")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_1a-evidence_file")).to_have_value("")
