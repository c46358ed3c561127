"""Download the questionnaire as a workbook, fill it in as a ministry would, upload it, see the
dry run, confirm: the saved answers are what was filled in, in every language."""

import io

import pytest
from openpyxl import load_workbook

from offline.models import WorkbookUpload
from questionnaire.models import Answer, AnswerChange, Submission

from .workbooks import download, fill, meta_of, review_url, text, upload, urls

LABELS = {
    "en": {
        "yes_legal": "Yes, only for those with legal immigration status",
        "no": "No",
        "yes": "Yes",
    },
    "fr": {
        "yes_legal": "Oui, uniquement pour les personnes en situation migratoire régulière",
        "no": "Non",
        "yes": "Oui",
    },
    "es": {"no": "No", "yes": "Sí"},
}


def stored(code: str) -> Answer:
    return Answer.objects.get(submission__country__iso3="KEN", item__code=code)


def in_language(client, language: str) -> None:
    client.cookies["django_language"] = language


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_filled_workbook_comes_back_as_the_answers_that_were_filled_in(
    client, focal_point, open_round, language
):
    client.force_login(focal_point)
    in_language(client, language)
    labels = LABELS[language]
    content = download(client)
    filled = fill(
        content,
        {
            "1a": {
                "option_code": labels.get("yes_legal", LABELS["en"]["yes_legal"]),
                "policy_name": "Health Act",
                "policy_year": 2017,
                "link": "https://example.org/health-act",
                "citation": "Article 4",
                "comment": "Applies to all regions.\nSince 2018.",
            },
            "2a": {"option_code": labels["no"]},
            "6e": {"option_code": labels["yes"], "policy_year": "1999"},
        },
        general_comment="Prepared with the Ministry of Labour.",
    )

    dry_run = client.get(review_url(upload(client, filled)))

    assert dry_run.status_code == 200
    assert not Submission.objects.exists(), "a dry run writes nothing"
    page = text(dry_run)
    assert "Health Act" in page and "2017" in page
    assert dry_run.content.decode().count('class="dry-run-change"') == 10

    confirmed = client.post(dry_run.request["PATH_INFO"], {"action": "confirm"})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == urls("round-open", "KEN")["fill"]
    answer_1a = stored("1a")
    assert answer_1a.option_code == ("yes_legal" if language != "es" else "yes_legal")
    assert answer_1a.policy_name == "Health Act"
    assert answer_1a.policy_year == 2017
    assert answer_1a.link == "https://example.org/health-act"
    assert answer_1a.citation == "Article 4"
    assert answer_1a.comment == "Applies to all regions.\nSince 2018."
    assert stored("2a").option_code == "no"
    assert stored("6e").option_code == "yes"
    assert stored("6e").policy_year == 1999
    assert stored("3c").option_code == ""
    submission = Submission.objects.get()
    assert submission.general_comment == "Prepared with the Ministry of Labour."
    record = WorkbookUpload.objects.get()
    assert (record.uploaded_by, record.language, record.workbook_revision) == (
        focal_point,
        language,
        0,
    )
    assert record.saved_revision == submission.revision == 1
    assert record.changed_fields == AnswerChange.objects.filter(submission=submission).count()


def test_the_workbook_is_prefilled_with_the_saved_answers_and_uploading_it_unchanged_changes_nothing(
    client, focal_point, draft
):
    answer = Answer.objects.get(submission=draft, item__code="4b")
    answer.option_code, answer.policy_name = "yes", "Labour Code"
    answer.comment, answer.citation = "Line one\r\nLine two", '=HYPERLINK("http://evil")'
    answer.save()
    client.force_login(focal_point)

    content = download(client)
    workbook = load_workbook(io.BytesIO(content))
    meta = meta_of(workbook)
    row = meta.first_row + meta.items.index("4b")
    columns = dict(meta.columns)
    sheet = workbook[meta.sheet]
    assert sheet.cell(row=row, column=columns["option_code"]).value == "Yes"
    assert sheet.cell(row=row, column=columns["policy_name"]).value == "Labour Code"
    citation = sheet.cell(row=row, column=columns["citation"])
    # Text someone typed that looks like a formula is written as text, never as a formula.
    assert (citation.data_type, citation.value) == ("s", '=HYPERLINK("http://evil")')
    assert citation.quotePrefix

    dry_run = client.get(review_url(upload(client, content)))
    assert "0 fields would change." in text(dry_run)
    assert 'id="confirm-button"' not in dry_run.content.decode()


def test_an_answer_can_be_cleared_in_the_workbook(client, focal_point, draft):
    answer = Answer.objects.get(submission=draft, item__code="1b")
    answer.option_code = "no"
    answer.save()
    client.force_login(focal_point)
    filled = fill(download(client), {"1b": {"option_code": None}})

    dry_run = client.get(review_url(upload(client, filled)))
    client.post(dry_run.request["PATH_INFO"], {"action": "confirm"})

    assert stored("1b").option_code == ""


def test_the_dry_run_is_shown_again_in_the_language_the_user_switches_to(
    client, focal_point, open_round
):
    client.force_login(focal_point)
    filled = fill(download(client), {"2b": {"option_code": "Yes", "policy_year": "next year"}})
    review = review_url(upload(client, filled))

    in_language(client, "fr")
    page = text(client.get(review))

    assert "Ce que le classeur changerait" in page
    assert "Oui" in page
    assert "Saisissez un nombre entier." in page
    assert not Submission.objects.exists()


def test_discarding_an_upload_saves_nothing_and_it_can_no_longer_be_confirmed(
    client, focal_point, open_round
):
    client.force_login(focal_point)
    review = review_url(upload(client, fill(download(client), {"2b": {"option_code": "Yes"}})))

    client.post(review, {"action": "discard"})
    gone = client.post(review, {"action": "confirm"})

    assert gone.status_code == 404
    assert "no longer waiting" in text(gone)
    assert not Submission.objects.exists()
    assert not WorkbookUpload.objects.exists()


def test_invalid_cells_are_listed_with_sheet_and_cell_and_the_valid_ones_are_saved(
    client, focal_point, open_round
):
    client.force_login(focal_point)
    filled = fill(
        download(client),
        {
            "1c": {"option_code": "Perhaps", "policy_name": "Refugee Act"},
            "2c": {"policy_year": 1492, "link": "javascript:alert(1)"},
        },
    )
    dry_run = client.get(review_url(upload(client, filled)))
    page = text(dry_run)

    assert "Questionnaire!D" in page or "Questionnaire!E" in page
    assert "Choose one of the answers offered in the list." in page
    assert "3 cells are wrong and would not be saved." in page

    client.post(dry_run.request["PATH_INFO"], {"action": "confirm"})
    assert stored("1c").policy_name == "Refugee Act"
    assert stored("1c").option_code == ""
    assert stored("2c").policy_year is None and stored("2c").link == ""
    assert WorkbookUpload.objects.get().invalid_cells == 3
