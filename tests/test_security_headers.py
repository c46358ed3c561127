"""Every response carries the Content-Security-Policy; our own pages need no inline script or
style to work under it; pages shown to a logged-in user are never cached."""

from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from questionnaire.models import Round
from scoring.services.scores import score_validated_submission
from tests.factories import AdministratorFactory, CountryFactory, FocalPointFactory, RoundFactory
from tests.questionnaire.factories import SubmissionFactory
from tests.scoring.factories import validated_submission

EXPECTED_POLICY = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}


class InlineCode(HTMLParser):
    """Collects what a strict policy blocks: inline scripts, style elements and attributes,
    event-handler attributes."""

    def __init__(self):
        super().__init__()
        self.found = {
            "inline script": [],
            "style element": [],
            "style attribute": [],
            "event handler attribute": [],
        }

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found["inline script"].append(tag)
        if tag == "style":
            self.found["style element"].append(tag)
        if "style" in names:
            self.found["style attribute"].append(tag)
        self.found["event handler attribute"] += [f"{tag} {n}" for n in names if n.startswith("on")]


def inline_code(html: str) -> dict[str, list[str]]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.fixture
def site(instrument):
    """A closed, scored round and an open round whose questionnaire a focal point fills."""
    kenya = CountryFactory(iso3="KEN", name="Kenya")
    closed = RoundFactory(
        version=instrument, code="closed-round", reference_year=2021, state=Round.State.CLOSED
    )
    score_validated_submission(
        submission=validated_submission(round=closed, country=kenya), by=None
    )
    open_round = RoundFactory(version=instrument, code="open-round")
    SubmissionFactory(round=open_round, country=kenya)
    return {
        "administrator": AdministratorFactory(),
        "focal_point": FocalPointFactory(countries=[kenya]),
        "closed": closed,
        "open": open_round,
    }


# (page, who is logged in, how to build its address)
PAGES = {
    "login": (None, lambda s: reverse("login")),
    "password reset": (None, lambda s: reverse("password_reset")),
    "not found": (None, lambda s: "/no-such-page/"),
    "home": ("focal_point", lambda s: reverse("home")),
    "password change": ("focal_point", lambda s: reverse("password_change")),
    "results": ("administrator", lambda s: reverse("scoring:index")),
    "round results": ("administrator", lambda s: reverse("scoring:round", args=["closed-round"])),
    "country result": (
        "administrator",
        lambda s: reverse("scoring:country", args=["closed-round", "KEN"]),
    ),
    "questionnaire": (
        "focal_point",
        lambda s: reverse("questionnaire:fill", args=["open-round", "KEN"]),
    ),
    "country": ("focal_point", lambda s: reverse("questionnaire:country", args=["KEN"])),
    "item history": (
        "focal_point",
        lambda s: reverse("questionnaire:item_history", args=["open-round", "KEN", "1a"]),
    ),
    "bad request": ("focal_point", lambda s: "/countries/%00/"),
    "admin index": ("administrator", lambda s: reverse("admin:index")),
}
OUR_PAGES = [name for name in PAGES if not name.startswith("admin")]


def get(site, page):
    who, address = PAGES[page]
    client = Client()
    if who:
        client.force_login(site[who])
    return client.get(address(site))


def crawl(site, pages):
    """Each page's response, fetched as the user the page is for (one set of data for all, as
    building it is the slow part)."""
    return {page: get(site, page) for page in pages}


def test_every_page_carries_the_content_security_policy(site):
    responses = crawl(site, PAGES)
    assert {
        page: r.status_code for page, r in responses.items() if r.status_code not in (200, 400, 404)
    } == {}
    policies = {
        page: {part.strip() for part in r["Content-Security-Policy"].split(";")}
        for page, r in responses.items()
    }
    assert policies == dict.fromkeys(PAGES, EXPECTED_POLICY)


def test_static_files_and_refusals_carry_it_too(client, db):
    assert "Content-Security-Policy" in client.get("/static/policyindex/site.css")
    assert "Content-Security-Policy" in client.post("/accounts/login/", CONTENT_LENGTH=str(10**12))


def test_our_pages_have_no_inline_script_or_style(site):
    found = {page: inline_code(r.content.decode()) for page, r in crawl(site, OUR_PAGES).items()}
    checked = {(page, kind): tags for page, kinds in found.items() for kind, tags in kinds.items()}
    assert checked == dict.fromkeys(checked, [])


def test_the_server_error_page_has_no_inline_style():
    found = inline_code(render_to_string("500.html"))
    assert found == {kind: [] for kind in found}


def test_the_checker_finds_inline_code():
    found = inline_code(
        '<script>x()</script><script src="/a.js"></script><style>p{}</style>'
        '<p style="color:red" onclick="x()">'
    )
    assert found == {
        "inline script": ["script"],
        "style element": ["style"],
        "style attribute": ["p"],
        "event handler attribute": ["p onclick"],
    }


def test_pages_shown_to_a_logged_in_user_are_never_cached(site):
    pages = [name for name, (who, _) in PAGES.items() if who]
    cache_control = {
        page: {part.strip() for part in r["Cache-Control"].split(",")} >= {"private", "no-store"}
        for page, r in crawl(site, pages).items()
    }
    assert cache_control == dict.fromkeys(pages, True)


def test_anonymous_pages_keep_their_caching(site):
    # Django's login view is never cached, whoever asks: the others keep what they had.
    responses = crawl(site, ["password reset", "not found"])
    assert [r.get("Cache-Control", "") for r in responses.values()] == ["", ""]


def test_static_files_keep_their_caching_for_a_logged_in_user(client, site):
    client.force_login(site["focal_point"])
    response = client.get("/static/policyindex/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_logging_in_answers_with_a_private_page(client, site):
    site["focal_point"].set_password("correct horse battery staple")
    site["focal_point"].save()
    response = client.post(
        reverse("login"),
        {"username": site["focal_point"].username, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
