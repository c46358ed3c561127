"""The printable copy of a questionnaire (blank, the current answers, a submitted version) and
the PDF of a submitted version."""

import os
import re
import socket
import sys
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from questionnaire import printing
from questionnaire.printing import Choice, CopyNotFound, print_domains, read_choice
from questionnaire.services.answers import AnswerInput
from review.services.submissions import submission_return
from tests.factories import AnalystFactory, CountryFactory, FocalPointFactory
from tests.questionnaire.factories import SubmissionFactory, save_as
from tests.workflow import submit

ITEM_CODES = [f"{domain}{letter}" for domain in range(1, 7) for letter in "abcde"]
# Domain 1 offers three answers, domains 2 to 6 two.
OPTION_COUNT = 5 * 3 + 25 * 2

HEALTH_ACT = AnswerInput(
    option_code="yes_legal",
    policy_name="Health Act",
    policy_year=2017,
    link="https://example.org/health-act",
    citation="Official Gazette No. 12",
    comment="Confirmed by the ministry.",
)


@pytest.fixture
def draft(open_round, kenya, focal_point):
    """A draft with every item answered, 1a with all its evidence."""
    submission = SubmissionFactory(round=open_round, country=kenya)
    answers = {
        code: AnswerInput(option_code="yes" if code[0] != "1" else "no") for code in ITEM_CODES
    }
    answers["1a"] = HEALTH_ACT
    save_as(
        focal_point, submission, answers, general_comment="Prepared by the Ministry of Interior."
    )
    submission.refresh_from_db()
    return submission


@pytest.fixture
def submitted(draft, focal_point):
    submit(draft, by=focal_point)
    draft.refresh_from_db()
    return draft


def print_url(submission, query: str = "") -> str:
    url = reverse(
        "questionnaire:print",
        kwargs={"round_code": submission.round.code, "iso3": submission.country.iso3},
    )
    return url + query


def pdf_url(submission, number: int) -> str:
    return reverse(
        "questionnaire:print_pdf",
        kwargs={
            "round_code": submission.round.code,
            "iso3": submission.country.iso3,
            "number": number,
        },
    )


def item_html(html: str, code: str) -> str:
    found = re.search(rf'<article[^>]*id="item-{code}".*?</article>', html, re.S)
    assert found, f"item {code} is not on the page"
    return found.group(0)


def selected_options(article: str) -> list[str]:
    return re.findall(
        r'<li class="option is-selected">.*?<span class="option-label">(.*?)</span>', article, re.S
    )


# --- Reading the query string (no database) -----------------------------------------------------


@pytest.mark.parametrize(
    ("query", "choice"),
    [
        ({}, Choice("draft")),
        ({"copy": "draft"}, Choice("draft")),
        ({"copy": "blank"}, Choice("blank")),
        ({"version": "2"}, Choice("version", 2)),
        ({"version": "2", "copy": "version"}, Choice("version", 2)),
    ],
)
def test_the_query_string_names_a_copy(query, choice):
    assert read_choice(query) == choice


@pytest.mark.parametrize(
    "query",
    [
        {"copy": "final"},
        {"version": "two"},
        {"version": "0"},
        {"version": "-1"},
        {"version": "١"},  # an Arabic-Indic digit: a digit to Python, not a number to the URL
        {"version": "1", "copy": "blank"},
    ],
)
def test_anything_else_names_no_copy(query):
    with pytest.raises(CopyNotFound):
        read_choice(query)


def test_the_layout_marks_the_chosen_option_and_keeps_an_answer_not_offered_without_its_code():
    """``print_domains`` takes the instrument and the answers as plain data."""
    domain = SimpleNamespace(number=1, display_name="Rights", display_question="Q?", question="Q?")
    options = (SimpleNamespace(code="yes"), SimpleNamespace(code="no"))
    items = [
        SimpleNamespace(code="1a", domain=domain, options=options),
        SimpleNamespace(code="1b", domain=domain, options=options),
    ]
    words = {
        code: SimpleNamespace(text=f"Text {code}", labels={"yes": "Oui", "no": "Non"})
        for code in ("1a", "1b")
    }
    official = {
        code: SimpleNamespace(text=f"Official {code}", labels={"yes": "Yes", "no": "No"})
        for code in ("1a", "1b")
    }
    answers = {"1a": {"option_code": "no", "policy_year": 2017}, "1b": {"option_code": "maybe"}}

    (printed,) = print_domains(items, words, answers, official_texts=official)

    first, second = printed.items
    assert [(o.label, o.official_label, o.selected) for o in first.options] == [
        ("Oui", "Yes", False),
        ("Non", "No", True),
    ]
    assert first.official_text == "Official 1a"
    assert {f.name: f.value for f in first.evidence}["policy_year"] == "2017"
    assert not any(o.selected for o in second.options)
    assert second.unknown_answer == "(an answer not offered)"
    assert "maybe" not in second.unknown_answer
    assert printed.official_question == "Q?"
    (english,) = print_domains(items, words, answers)
    assert english.official_question == "" and english.items[0].official_text == ""


# --- The copies -----------------------------------------------------------------------------------


def test_the_draft_shows_every_item_with_the_saved_answer_marked_and_its_evidence(
    client, focal_point, draft
):
    client.force_login(focal_point)
    response = client.get(print_url(draft))

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'<article class="item[^"]*" id="item-(\w+)"', html) == ITEM_CODES
    assert html.count('<section class="domain"') == 6
    assert "Draft" in html and "(revision 1)" in html and "Wanjiru" in html
    item = item_html(html, "1a")
    assert selected_options(item) == ["Yes, only for those with legal immigration status"]
    assert item.count("☒") == 1 and item.count("☐") == 2
    assert "(selected)" in item
    for value in ("Health Act", "2017", "Official Gazette No. 12", "Confirmed by the ministry."):
        assert value in item
    assert '<a href="https://example.org/health-act"' in item
    assert selected_options(item_html(html, "6e")) == ["Yes"]
    assert html.count("☒") == 30
    assert "Prepared by the Ministry of Interior." in html
    assert 'id="signature"' in html
    # On screen: the button to print, no PDF for a draft.
    assert 'id="print-button"' in html and 'id="pdf-link"' not in html


def test_the_blank_copy_marks_nothing_and_leaves_lines_for_the_evidence(client, focal_point, draft):
    client.force_login(focal_point)
    html = client.get(print_url(draft, "?copy=blank")).content.decode()

    assert "Blank copy" in html
    assert "☒" not in html and "(selected)" not in html
    assert html.count("☐") == OPTION_COUNT
    assert "Health Act" not in html and "Prepared by the Ministry of Interior." not in html
    assert html.count('class="write-line"') >= 30 * 5
    assert "Not answered" not in html


def test_a_blank_copy_needs_only_that_the_user_may_see_the_country(client, open_round, kenya):
    client.force_login(AnalystFactory(regions=[kenya.sdg_region]))
    url = reverse("questionnaire:print", args=[open_round.code, "KEN"])
    response = client.get(url + "?copy=blank")
    assert response.status_code == 200
    assert "Blank copy" in response.content.decode()
    # Nobody has saved anything: the current answers are the blank copy too.
    assert "☒" not in client.get(url).content.decode()
    client.force_login(AnalystFactory(regions=[CountryFactory().sdg_region]))
    assert client.get(url + "?copy=blank").status_code == 404


def test_a_submitted_version_shows_what_was_submitted_even_after_the_draft_changed(
    client, focal_point, submitted
):
    submission_return(submission=submitted, by=None, reason="Please cite the law for 1b.")
    save_as(
        focal_point, submitted, {"1a": AnswerInput(option_code="no", policy_name="Changed Act")}
    )
    client.force_login(focal_point)

    html = client.get(print_url(submitted, "?version=1")).content.decode()

    version = submitted.versions.get(number=1)
    assert "Submitted version 1" in html
    assert date_format(timezone.localtime(version.submitted_at), "DATETIME_FORMAT") in html
    item = item_html(html, "1a")
    assert selected_options(item) == ["Yes, only for those with legal immigration status"]
    assert "Health Act" in item and "Changed Act" not in html
    assert 'id="pdf-link"' in html
    # The current answers show the change.
    current = item_html(client.get(print_url(submitted)).content.decode(), "1a")
    assert selected_options(current) == ["No"] and "Changed Act" in current


def test_an_unknown_version_or_a_malformed_parameter_is_a_clear_404(client, focal_point, submitted):
    client.force_login(focal_point)
    for query in ("?version=2", "?version=abc", "?copy=final", "?version=1&copy=blank"):
        response = client.get(print_url(submitted, query))
        assert response.status_code == 404, query
        assert "has no such copy" in response.content.decode()
    assert client.get(pdf_url(submitted, 7)).status_code == 404


def test_a_version_of_a_questionnaire_never_started_is_404(client, open_round, kenya):
    client.force_login(AnalystFactory(regions=[kenya.sdg_region]))
    url = reverse("questionnaire:print", args=[open_round.code, "KEN"])
    assert client.get(url + "?version=1").status_code == 404


def test_in_french_the_copy_is_french_with_the_official_english_beside_it(
    client, focal_point, submitted
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(focal_point)
    html = client.get(print_url(submitted, "?version=1")).content.decode()

    assert '<html lang="fr">' in html
    assert "Questionnaire : Kenya (fr)" in html
    assert "Domaine 1 : Droits des migrants" in html
    assert "Commentaire général" in html and "Loi, politique ou stratégie" in html
    item = item_html(html, "1a")
    assert "Soins de santé essentiels" in item
    assert '<span lang="en">Essential and/or emergency health care</span>' in item
    assert selected_options(item) == [
        "Oui, uniquement pour les personnes en situation migratoire régulière"
    ]
    assert "(Yes, only for those with legal immigration status)" in item
    assert 'id="unofficial-translation"' in html
    submitted_at = timezone.localtime(submitted.versions.get().submitted_at)
    with translation.override("fr"):
        french = date_format(submitted_at, "DATETIME_FORMAT")
    with translation.override("en"):
        english = date_format(submitted_at, "DATETIME_FORMAT")
    assert french in html and english not in html


def test_an_english_copy_shows_no_translation_note(client, focal_point, draft):
    client.force_login(focal_point)
    html = client.get(print_url(draft)).content.decode()
    assert 'id="unofficial-translation"' not in html and "Official wording:" not in html


def test_a_focal_point_of_another_country_gets_404_for_every_copy(client, submitted):
    client.force_login(FocalPointFactory(countries=[CountryFactory()]))
    for url in (
        print_url(submitted),
        print_url(submitted, "?copy=blank"),
        print_url(submitted, "?version=1"),
        pdf_url(submitted, 1),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Kenya" not in response.content.decode()


def test_an_analyst_in_scope_prints_a_version_and_one_outside_gets_404(client, kenya, submitted):
    client.force_login(AnalystFactory(regions=[kenya.sdg_region]))
    assert client.get(print_url(submitted, "?version=1")).status_code == 200
    client.force_login(AnalystFactory(regions=[CountryFactory().sdg_region]))
    assert client.get(print_url(submitted, "?version=1")).status_code == 404


def test_the_print_page_needs_a_login(client, submitted):
    response = client.get(print_url(submitted))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- Links to the copies --------------------------------------------------------------------------


def test_the_questionnaire_pages_link_to_the_current_answers_and_a_blank_copy(
    client, focal_point, submitted, open_round
):
    client.force_login(focal_point)
    fill = reverse("questionnaire:fill", args=[open_round.code, "KEN"])
    html = client.get(fill).content.decode()
    assert f'href="{print_url(submitted)}"' in html
    assert f'href="{print_url(submitted, "?copy=blank")}"' in html
    # A country with no answers yet: the blank copy only.
    other = CountryFactory(iso3="ZZA")
    client.force_login(FocalPointFactory(countries=[other]))
    html = client.get(reverse("questionnaire:fill", args=[open_round.code, "ZZA"])).content.decode()
    blank = reverse("questionnaire:print", args=[open_round.code, "ZZA"])
    assert f'href="{blank}?copy=blank"' in html and f'href="{blank}"' not in html


def test_the_review_page_links_to_the_version_it_shows_and_its_pdf(client, kenya, submitted):
    client.force_login(AnalystFactory(regions=[kenya.sdg_region]))
    html = client.get(
        reverse("review:submission", args=[submitted.round.code, "KEN"])
    ).content.decode()
    assert f'href="{print_url(submitted, "?version=1")}"' in html
    assert f'href="{pdf_url(submitted, 1)}"' in html


# --- The PDF --------------------------------------------------------------------------------------


def text_of(page) -> str:
    """The words WeasyPrint laid out on a page."""
    return " ".join(
        box.text
        for box in page._page_box.descendants()
        if isinstance(getattr(box, "text", None), str)
    )


def _weasyprint_loads() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


# On a machine without the system Pango library the app answers the PDF address with its
# explanation page (tested below); CI (REQUIRE_BROWSER=1, Chromium installed with its libraries)
# always renders.
needs_weasyprint = pytest.mark.skipif(
    os.environ.get("REQUIRE_BROWSER") != "1" and not _weasyprint_loads(),
    reason="WeasyPrint cannot load here (the system Pango library is missing)",
)


@needs_weasyprint
def test_the_pdf_of_a_version_is_an_a4_pdf_named_for_what_and_when(
    client, focal_point, submitted, monkeypatch
):
    documents = []
    render = printing.pdf_document
    monkeypatch.setattr(
        printing, "pdf_document", lambda html: documents.append(render(html)) or documents[-1]
    )
    client.force_login(focal_point)

    response = client.get(pdf_url(submitted, 1))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF-") and len(body) > 10_000
    day = timezone.localtime(submitted.versions.get().submitted_at).date().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="10.7.2-2030-KEN-questionnaire-v1-{day}.pdf"'
    )
    (document,) = documents
    assert len(document.pages) > 1
    # A4 in CSS pixels (96 per inch): 210 mm x 297 mm.
    assert (round(document.pages[0].width), round(document.pages[0].height)) == (794, 1123)
    text = " ".join(text_of(page) for page in document.pages)
    assert "Questionnaire of Kenya" in text and "Health Act" in text
    assert text.count("☒") == 30
    # The screen's toolbar is not printed; the page numbers are.
    assert "Download version" not in text and "Back to the questionnaire" not in text
    assert "Page 1 / " in text_of(document.pages[0])


@needs_weasyprint
def test_the_pdf_never_reaches_the_network(monkeypatch):
    connections = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: connections.append(address))
    html = (
        '<html><body><p>Kenya</p><img src="http://192.0.2.1/logo.png">'
        '<link rel="stylesheet" href="http://192.0.2.1/evil.css"></body></html>'
    )
    document = printing.pdf_document(html)
    assert "Kenya" in text_of(document.pages[0])
    assert connections == []


def test_without_weasyprint_the_pdf_address_explains_how_to_save_the_print_view_as_pdf(
    client, focal_point, submitted, monkeypatch
):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # "import weasyprint" now fails
    client.force_login(focal_point)

    response = client.get(pdf_url(submitted, 1))

    assert response.status_code == 501
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "cannot make PDF files" in html
    assert "Save as PDF" in html
    assert f'href="{print_url(submitted, "?version=1")}"' in html


def test_a_copy_lists_the_files_attached_to_each_items_evidence(client, focal_point, draft):
    from questionnaire.services.evidence import attach_evidence_file, remove_evidence_file
    from tests.evidence_samples import pdf_bytes, upload

    attach_evidence_file(
        submission=draft,
        item_code="2b",
        uploaded_file=upload("labour-code.pdf", pdf_bytes()),
        by=focal_point,
    )
    submit(draft, by=focal_point)
    draft.refresh_from_db()
    submission_return(submission=draft, by=AnalystFactory(), reason="Please add the decree.")
    removed = draft.evidence_files.get()
    remove_evidence_file(evidence_file=removed, by=focal_point)
    client.force_login(focal_point)

    version = client.get(print_url(draft, "?version=1")).content.decode()
    current = client.get(print_url(draft)).content.decode()

    assert "Attached files" in version and "labour-code.pdf" in version
    assert "labour-code.pdf" not in current
