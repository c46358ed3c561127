"""Links typed by users become clickable only when they are http(s) addresses, wherever shown,
even if a dangerous value reached the database another way."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from kernel.links import is_web_address, link_or_text
from tests.factories import AdministratorFactory, RoundFactory
from tests.questionnaire.factories import SubmissionFactory

DANGEROUS = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://example.org/file",
    "//evil.example/",
    "http:evil",
    "http://",
    "https://example.org/\njavascript:alert(1)",
    "/relative/path",
    '"><script>alert(1)</script>',
]
WEB = ["http://example.org", "https://example.org/law?id=1&y=2", "HTTPS://EXAMPLE.ORG/A"]


def render(value):
    return Template("{% load links %}{{ value|safe_link }}").render(Context({"value": value}))


@pytest.mark.parametrize("value", WEB)
def test_web_addresses_are_shown_as_links(value):
    html = render(value)
    assert html.startswith("<a href=") and 'rel="noopener noreferrer"' in html
    assert is_web_address(value)


def test_a_link_is_escaped_in_its_address_and_text():
    assert render("https://example.org/?a=1&b=<2>") == (
        '<a href="https://example.org/?a=1&amp;b=&lt;2&gt;" rel="noopener noreferrer">'
        "https://example.org/?a=1&amp;b=&lt;2&gt;</a>"
    )


@pytest.mark.parametrize("value", DANGEROUS)
def test_anything_else_is_shown_as_plain_escaped_text(value):
    html = render(value)
    assert "<a" not in html and "<script" not in html
    assert not is_web_address(value)


@pytest.mark.parametrize("value", [None, ""])
def test_no_link_shows_nothing(value):
    assert link_or_text(value) == ""


def test_the_admin_shows_a_stored_javascript_link_as_text(client, instrument):
    submission = SubmissionFactory(round=RoundFactory(version=instrument))
    answer = submission.answers.order_by("pk").first()
    # Straight into the database, past the form's checks.
    type(answer).objects.filter(pk=answer.pk).update(link="javascript:alert(1)")
    client.force_login(AdministratorFactory())
    for page in (
        reverse("admin:questionnaire_answer_change", args=[answer.pk]),
        reverse("admin:questionnaire_submission_change", args=[submission.pk]),
    ):
        html = client.get(page).content.decode()
        assert "javascript:alert(1)" in html
        assert 'href="javascript:' not in html


def test_the_admin_shows_a_web_link_as_a_link(client, instrument):
    submission = SubmissionFactory(round=RoundFactory(version=instrument))
    answer = submission.answers.order_by("pk").first()
    type(answer).objects.filter(pk=answer.pk).update(link="https://example.org/law")
    client.force_login(AdministratorFactory())
    html = client.get(reverse("admin:questionnaire_answer_change", args=[answer.pk])).content
    assert b'<a href="https://example.org/law" rel="noopener noreferrer">' in html
