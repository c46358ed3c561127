"""In Chromium: a focal point downloads the Excel questionnaire, fills it in, uploads it, reads the
dry run, confirms, and sees the answers on the questionnaire page."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from questionnaire.models import Answer
from tests.browser.test_login import PASSWORD, log_in
from tests.factories import CountryFactory, FocalPointFactory, RoundFactory
from tests.offline.workbooks import fill

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def kenya_round(instrument):
    country = CountryFactory(name="Kenya", iso3="KEN")
    FocalPointFactory(username="fp", first_name="Wanjiru", countries=[country])
    round_ = RoundFactory(version=instrument, code="open-round", name="Open round")
    return f"/rounds/{round_.code}/countries/KEN/questionnaire/"


def test_a_focal_point_fills_the_questionnaire_offline_and_uploads_it(
    page: Page, live_server, kenya_round, tmp_path: Path
):
    log_in(page, live_server, "fp", PASSWORD)
    page.goto(live_server.url + kenya_round)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as Excel workbook").click()
    download = download_info.value
    assert re.match(
        r"10\.7\.2-open-round-KEN-questionnaire-en-\d{4}-\d\d-\d\d\.xlsx",
        download.suggested_filename,
    )
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(
        fill(
            Path(download.path()).read_bytes(),
            {
                "1a": {
                    "option_code": "Yes, only for those with legal immigration status",
                    "policy_name": "Health Act",
                },
                "3b": {"option_code": "No"},
            },
        )
    )

    page.get_by_role("link", name="Upload a filled workbook").click()
    page.get_by_label("Filled workbook (.xlsx)").set_input_files(str(filled))
    page.get_by_role("button", name="Upload and show what would change").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("What the workbook would change")
    expect(page.locator("#dry-run-summary")).to_contain_text("3 fields would change.")
    expect(page.locator("#dry-run-1a")).to_contain_text("Health Act")
    assert not Answer.objects.exclude(option_code="").exists(), "the dry run saved nothing"

    page.get_by_role("button", name="Save these changes as a draft").click()

    expect(
        page.get_by_text("The workbook's answers were saved as a draft (3 fields changed).")
    ).to_be_visible()
    item_1a = page.get_by_role("group", name=re.compile(r"^1a\. Essential"))
    expect(
        item_1a.get_by_label("Yes, only for those with legal immigration status")
    ).to_be_checked()
    expect(page.locator("#id_1a-policy_name")).to_have_value("Health Act")
    expect(page.get_by_role("group", name=re.compile(r"^3b\. ")).get_by_label("No")).to_be_checked()
