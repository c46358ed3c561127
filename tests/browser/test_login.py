"""In Chromium: logging in, failing to, and switching to French."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import CountryFactory, FocalPointFactory

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"


def log_in(page: Page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def switch_language(page: Page, code: str) -> None:
    """Choose a language in the selector, then press its button: choosing alone changes nothing."""
    page.get_by_label("Language").select_option(code)
    page.get_by_role("button", name="Change (Language)").click()


def test_a_focal_point_logs_in_and_sees_their_country_on_the_home_page(page: Page, live_server):
    FocalPointFactory(username="fp", countries=[CountryFactory(name="Atlantis")])
    log_in(page, live_server, "fp", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.locator("main")).to_contain_text("Atlantis")


def test_a_wrong_password_shows_the_error(page: Page, live_server):
    FocalPointFactory(username="fp")
    log_in(page, live_server, "fp", "not the password")
    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_switching_to_french_shows_french_text(page: Page, live_server):
    FocalPointFactory(username="fp", countries=[CountryFactory(name="Atlantis")])
    log_in(page, live_server, "fp", PASSWORD)
    switch_language(page, "fr")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bienvenue")
