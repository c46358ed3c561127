"""In Chromium: a focal point fills, saves, reloads, submits; and saves in French."""

import re

import pytest
from playwright.sync_api import Page, expect

from geography.models import Country
from questionnaire.models import Answer, Submission
from tests.browser.test_login import PASSWORD, log_in, switch_language
from tests.factories import CountryFactory, FocalPointFactory, RoundFactory

pytestmark = pytest.mark.django_db(transaction=True)

ITEM_CODES = [f"{domain}{letter}" for domain in range(1, 7) for letter in "abcde"]


@pytest.fixture
def kenya_round(instrument):
    country = CountryFactory(name="Kenya", iso3="KEN")
    FocalPointFactory(username="fp", first_name="Wanjiru", countries=[country])
    round_ = RoundFactory(version=instrument, code="open-round", name="Open round")
    return f"/rounds/{round_.code}/countries/KEN/questionnaire/"


def stored(code: str) -> Answer:
    return Answer.objects.get(item__code=code, submission__country__iso3="KEN")


def save_draft(page: Page) -> None:
    page.locator("button[name=action][value=save]").first.click()


def test_a_focal_point_answers_saves_reloads_submits_and_sees_the_read_only_copy(
    page: Page, live_server, kenya_round
):
    log_in(page, live_server, "fp", PASSWORD)
    page.goto(live_server.url + kenya_round)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kenya")

    # Part of the questionnaire, with evidence, using the real labels of the form.
    answer_1a = page.get_by_role("group", name=re.compile(r"^1a\. Essential"))
    answer_1a.get_by_label("Yes, only for those with legal immigration status").check()
    evidence_1a = page.get_by_role("group", name="Item 1a")
    evidence_1a.get_by_label("Law, policy or strategy").fill("Health Act")
    evidence_1a.get_by_label("Year").fill("2017")
    evidence_1a.get_by_label("Link").fill("https://example.org/health-act")
    page.get_by_role("group", name=re.compile(r"^2a\. ")).get_by_label("No").check()
    expect(page.locator("[data-progress-total]")).to_have_text("2")
    save_draft(page)

    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(page.locator("#last-saved")).to_contain_text("Wanjiru")
    page.reload()
    answer_1a = page.get_by_role("group", name=re.compile(r"^1a\. Essential"))
    expect(
        answer_1a.get_by_label("Yes, only for those with legal immigration status")
    ).to_be_checked()
    expect(page.locator("#id_1a-policy_name")).to_have_value("Health Act")
    expect(page.get_by_role("group", name=re.compile(r"^2a\. ")).get_by_label("No")).to_be_checked()

    # Submitting too early lists every missing item, with links to them.
    page.get_by_role("button", name="Submit the questionnaire").click()
    problems = page.locator("#problems")
    expect(page.get_by_text("28 items have no answer")).to_be_visible()
    expect(
        problems.get_by_role("link", name=re.compile(r"^1b\. .* — Answer: Choose an answer\.$"))
    ).to_be_visible()
    expect(
        problems.get_by_role("link", name=re.compile(r"^6e\. .* — Answer: Choose an answer\.$"))
    ).to_be_visible()
    assert Submission.objects.get().state == Submission.State.DRAFT

    # Complete the missing items (keeping 1a and 2a as answered) and submit.
    for code in ITEM_CODES[1:]:
        if code == "2a":
            continue
        page.locator(f"#item-{code} input[type=radio]").first.check()
    page.get_by_role("button", name="Submit the questionnaire").click()
    expect(page.get_by_role("heading", name="Submit the questionnaire for review?")).to_be_visible()
    assert Submission.objects.get().state == Submission.State.DRAFT
    page.get_by_role("button", name="Yes, submit for review").click()

    expect(page.get_by_text("the questionnaire was submitted")).to_be_visible()
    expect(page.locator("#read-only-reason")).to_contain_text("Read-only copy.")
    expect(page.locator("#item-1a .answer")).to_have_text(
        "Yes, only for those with legal immigration status"
    )
    expect(page.locator("button[name=action]")).to_have_count(0)
    assert Submission.objects.get().state == Submission.State.SUBMITTED
    assert stored("1a").policy_name == "Health Act"


def test_in_french_a_focal_point_sees_the_french_questionnaire_and_saves_a_draft(
    page: Page, live_server, kenya_round
):
    log_in(page, live_server, "fp", PASSWORD)
    switch_language(page, "fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.goto(live_server.url + kenya_round)

    item_1a = page.get_by_role("group", name=re.compile(r"^1a\. Soins de santé essentiels"))
    expect(item_1a).to_be_visible()
    expect(page.locator("#unofficial-translation")).to_be_visible()
    item_1a.get_by_label(
        "Oui, uniquement pour les personnes en situation migratoire régulière"
    ).check()
    page.get_by_role("group", name=re.compile(r"^2a\. ")).get_by_label("Non").check()
    page.locator("#id_1a-policy_name").fill("Loi sur la santé")
    save_draft(page)
    # The save answers with a redirect; reloading before it lands would race it.
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()

    page.reload()
    item_1a = page.get_by_role("group", name=re.compile(r"^1a\. Soins de santé essentiels"))
    expect(
        item_1a.get_by_label("Oui, uniquement pour les personnes en situation migratoire régulière")
    ).to_be_checked()
    expect(page.locator("#id_1a-policy_name")).to_have_value("Loi sur la santé")
    assert stored("1a").option_code == "yes_legal"
    assert stored("2a").option_code == "no"


def test_switching_language_mid_draft_keeps_what_was_typed(page: Page, live_server, kenya_round):
    log_in(page, live_server, "fp", PASSWORD)
    page.goto(live_server.url + kenya_round)
    page.get_by_role("group", name=re.compile(r"^3b\. ")).get_by_label("Yes").check()
    page.locator("#id_3b-comment").fill("typed before switching")

    switch_language(page, "fr")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    item_3b = page.locator("#item-3b")
    expect(item_3b.get_by_label("Oui")).to_be_checked()
    expect(page.locator("#id_3b-comment")).to_have_value("typed before switching")
    assert stored("3b").comment == "typed before switching"


def test_two_focal_points_editing_at_once_lose_nothing_and_settle_a_conflict(
    browser, live_server, kenya_round
):
    FocalPointFactory(
        username="fp2", first_name="Otieno", countries=[Country.objects.get(iso3="KEN")]
    )
    first = browser.new_context().new_page()
    second = browser.new_context().new_page()
    log_in(first, live_server, "fp", PASSWORD)
    log_in(second, live_server, "fp2", PASSWORD)
    first.goto(live_server.url + kenya_round)
    second.goto(live_server.url + kenya_round)  # opened before A saves: an older page

    # A answers 1c and 4a with evidence and saves.
    first.get_by_role("group", name=re.compile(r"^1c\. ")).get_by_label("Yes").first.check()
    first.get_by_role("group", name=re.compile(r"^4a\. ")).get_by_label("Yes").check()
    first.locator("#id_4a-policy_name").fill("Labour Migration Policy")
    save_draft(first)
    expect(first.get_by_text("Draft saved.")).to_be_visible()

    # B, on the older page, answers other items and saves: no refusal, both kept.
    second.get_by_role("group", name=re.compile(r"^2a\. ")).get_by_label("No").check()
    save_draft(second)
    expect(second.get_by_text("Draft saved.")).to_be_visible()
    assert stored("4a").option_code == "yes"
    assert stored("4a").policy_name == "Labour Migration Policy"
    assert stored("2a").option_code == "no"
    expect(second.locator("#id_4a-policy_name")).to_have_value("Labour Migration Policy")

    # A changes 1c again; B, still on the page before it, changes 1c differently.
    first.reload()
    first.get_by_role("group", name=re.compile(r"^1c\. ")).get_by_label("No").check()
    save_draft(first)
    expect(first.get_by_text("Draft saved.")).to_be_visible()
    second.locator("#id_4a-policy_name").fill("Overseas Employment Act")
    second.get_by_role("group", name=re.compile(r"^1c\. ")).get_by_label(
        "Yes, only for those with legal immigration status"
    ).check()
    save_draft(second)

    conflict = second.locator("#conflict")
    expect(conflict).to_contain_text("A colleague changed the same fields")
    box = second.locator("#conflict-1c-option_code")
    expect(box).to_contain_text("Wanjiru")
    expect(box.locator(".conflict-theirs")).to_have_text("No")
    expect(box.locator(".conflict-mine")).to_have_text(
        "Yes, only for those with legal immigration status"
    )
    # B's other edit (the policy name, untouched by A since B's page) was saved meanwhile.
    assert stored("4a").policy_name == "Overseas Employment Act"
    assert stored("1c").option_code == "no"

    box.get_by_label(re.compile("^Use your value")).check()
    save_draft(second)
    expect(second.get_by_text("Draft saved.")).to_be_visible()
    assert stored("1c").option_code == "yes_legal"
    assert stored("2a").option_code == "no"
