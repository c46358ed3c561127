"""In Chromium, with three people in their own browsers: a focal point submits; an analyst asks a
question and returns the questionnaire; the focal point replies, corrects an answer and submits
again; the analyst sees the difference, closes the question and validates; the score shows on
both sides; an administrator publishes the round."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from questionnaire.models import Round, Submission
from scoring.models import Release
from tests.browser.test_login import PASSWORD, log_in
from tests.factories import (
    AdministratorFactory,
    AnalystFactory,
    CountryFactory,
    FocalPointFactory,
    RoundFactory,
)
from tests.questionnaire.factories import SubmissionFactory, answer_all

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def open_round(instrument):
    kenya = CountryFactory(name="Kenya", iso3="KEN")
    FocalPointFactory(username="fp", first_name="Wanjiru", countries=[kenya])
    AnalystFactory(username="amara", first_name="Amara", regions=[kenya.sdg_region])
    AdministratorFactory(username="ada")
    round_ = RoundFactory(version=instrument, code="open-round", name="Open round")
    # Every item answered "Yes" (the first option) and saved: the focal point has only to submit.
    answer_all(SubmissionFactory(round=round_, country=kenya), policy_name="Migration Act")
    return round_


def person(browser: Browser, live_server, username: str) -> Page:
    page = browser.new_context().new_page()
    log_in(page, live_server, username, PASSWORD)
    return page


def submit(page: Page) -> None:
    page.get_by_role("button", name="Submit the questionnaire").click()
    page.get_by_role("button", name="Yes, submit for review").click()
    expect(page.get_by_text("the questionnaire was submitted")).to_be_visible()


def test_the_review_loop_from_submission_to_publication(browser: Browser, live_server, open_round):
    questionnaire = f"{live_server.url}/rounds/open-round/countries/KEN/questionnaire/"
    review = f"{live_server.url}/review/rounds/open-round/countries/KEN/"

    country = person(browser, live_server, "fp")
    country.goto(questionnaire)
    submit(country)

    # The analyst asks about 1a and returns the questionnaire with a reason.
    analyst = person(browser, live_server, "amara")
    analyst.goto(review)
    expect(analyst.get_by_role("heading", level=1)).to_contain_text("Kenya")
    analyst.locator("#query-item").select_option("1a")
    analyst.locator("#query-text").fill("Which law grants this access? Please cite it.")
    analyst.get_by_role("button", name="Send the query").click()
    expect(analyst.locator("#open-queries")).to_contain_text("Which law grants this access?")
    analyst.locator("#reason-return").fill("Please answer the question on 1a.")
    analyst.get_by_role("button", name="Return to the country").click()
    expect(analyst.locator("main")).to_contain_text("Returned to the country")

    # The focal point reads why, replies, corrects 1a and submits again.
    country.goto(questionnaire)
    expect(country.locator("#return-reason")).to_contain_text("Please answer the question on 1a.")
    queries = country.locator("#open-queries")
    expect(queries).to_contain_text("Which law grants this access?")
    queries.get_by_label("Your reply").fill("Health Act 2017, section 4. We corrected 1a.")
    queries.get_by_role("button", name="Send the reply").click()
    expect(country.locator("#open-queries")).to_contain_text("Health Act 2017, section 4.")
    country.get_by_role("group", name=re.compile(r"^1a\. Essential")).get_by_label(
        "Yes, only for those with legal immigration status"
    ).check()
    submit(country)

    # The analyst sees what changed, closes the question and validates.
    analyst.goto(review)
    item_1a = analyst.locator("#item-1a")
    expect(item_1a.locator("ins")).to_contain_text(
        "Yes, only for those with legal immigration status"
    )
    expect(analyst.locator("#open-queries")).to_contain_text("Health Act 2017, section 4.")
    analyst.get_by_role("button", name="Close the query").click()
    analyst.get_by_role("button", name="Validate").click()
    expect(analyst.locator("main")).to_contain_text("Validated")
    expect(analyst.locator("#score")).to_contain_text("Meets")

    # The score shows on the country's side.
    country.goto(questionnaire)
    expect(country.locator("#validated-score")).to_contain_text("Meets")
    submission = Submission.objects.get()
    assert submission.state == Submission.State.VALIDATED
    assert submission.versions.count() == 2

    # The administrator closes and publishes the round.
    administrator = person(browser, live_server, "ada")
    administrator.goto(f"{live_server.url}/review/rounds/open-round/manage/")
    administrator.get_by_role("button", name="Close the round").click()
    administrator.locator("#publish-form input[type=checkbox]").check()
    administrator.locator("#publish-form button[type=submit]").click()
    expect(administrator.locator("main")).to_contain_text("Published")
    assert Round.objects.get(code="open-round").state == Round.State.PUBLISHED
    assert Release.objects.get().results.filter(breakdown="_T").get().category == 3
