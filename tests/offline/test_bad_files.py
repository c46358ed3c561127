"""Every kind of file that must not be used gets a clear message, and nothing is saved."""

import dataclasses
import io
import zipfile
from pathlib import Path

import pytest
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import load_workbook

from offline.layout import META_SHEET
from offline.models import WorkbookUpload
from offline.template_data import template_data
from offline.workbook_template import build_questionnaire_workbook
from questionnaire.models import AnswerChange, Submission
from tests.factories import CountryFactory, RoundFactory

from .workbooks import download, fill, meta_of, saved, text, upload, urls

DATA = Path(__file__).parent / "data"


def refused(response, message: str) -> None:
    assert response.status_code == 400
    page = text(response)
    assert "The workbook was not accepted" in page
    assert message in page, page[-1200:]
    assert not AnswerChange.objects.exists()
    assert not WorkbookUpload.objects.exists()
    assert not Submission.objects.filter(revision__gt=0).exists()


@pytest.fixture
def filled(client, focal_point, open_round) -> bytes:
    client.force_login(focal_point)
    return fill(download(client), {"1a": {"option_code": "No", "policy_name": "Aliens Act"}})


def rezipped(content: bytes, *, add: dict[str, bytes] = None, replace: dict = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if replace and info.filename in replace:
                data = replace[info.filename](data)
            target.writestr(info, data)
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return buffer.getvalue()


def test_a_workbook_for_another_country_is_refused(client, focal_point, open_round, filled):
    focal_point.countries.add(CountryFactory(iso3="SEN", name="Senegal"))
    refused(
        upload(client, filled, iso3="SEN"),
        f"This workbook is for another questionnaire (Kenya, {open_round.display_name}), not for "
        "Senegal",
    )


def test_a_workbook_for_another_round_is_refused(client, instrument, open_round, filled):
    RoundFactory(version=instrument, code="round-next", reference_year=2031)
    refused(
        upload(client, filled, round_code="round-next"),
        f"This workbook is for another questionnaire (Kenya, {open_round.display_name})",
    )


def test_a_workbook_for_another_questionnaire_version_is_refused(
    client, focal_point, open_round, kenya, rf
):
    data = template_data(
        round=open_round,
        country=kenya,
        submission=None,
        language="en",
        by=focal_point,
        upload_url="http://testserver/",
    )
    other = build_questionnaire_workbook(dataclasses.replace(data, questionnaire_version="v-old"))
    client.force_login(focal_point)
    refused(
        upload(client, saved(other)),
        "This workbook was made for another version of the questionnaire (v-old)",
    )


def test_a_workbook_whose_hidden_sheet_was_changed_is_refused(client, filled):
    workbook = load_workbook(io.BytesIO(filled))
    sheet = workbook[META_SHEET]
    for row in sheet.iter_rows():
        if row[0].value == "revision":
            row[1].value = "99"
    refused(upload(client, saved(workbook)), "hidden description was changed")


def test_a_workbook_whose_hidden_sheet_was_removed_is_refused(client, filled):
    workbook = load_workbook(io.BytesIO(filled))
    del workbook[META_SHEET]
    refused(upload(client, saved(workbook)), "was not downloaded from this questionnaire")


def test_a_workbook_whose_rows_were_moved_is_refused(client, filled):
    workbook = load_workbook(io.BytesIO(filled))
    meta = meta_of(workbook)
    sheet = workbook[meta.sheet]
    sheet.cell(row=meta.first_row, column=1).value = "1b"
    sheet.cell(row=meta.first_row + 1, column=1).value = "1a"
    refused(upload(client, saved(workbook)), "row 4 should hold item 1a")


@pytest.mark.parametrize(
    "content",
    [
        b"Country,Item,Answer\nKEN,1a,No\n",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        b"PK\x03\x04junk",
    ],
    ids=["csv", "pdf", "broken-zip"],
)
def test_a_file_that_is_not_an_excel_workbook_is_refused(client, focal_point, open_round, content):
    client.force_login(focal_point)
    response = upload(client, content, name="answers.xlsx")
    assert response.status_code == 400
    assert "Excel workbook" in text(response)
    assert not WorkbookUpload.objects.exists()


def test_an_old_excel_97_2003_file_is_refused_with_how_to_save_it(client, focal_point, open_round):
    client.force_login(focal_point)
    content = (DATA / "questionnaire-97-2003.xls").read_bytes()
    refused(upload(client, content, name="questionnaire.xls"), "old Excel 97-2003 file (.xls)")


def test_a_password_protected_workbook_is_refused(client, filled):
    encrypted = io.BytesIO()
    office_file = OOXMLFile(io.BytesIO(filled))
    office_file.encrypt("secret", encrypted)
    refused(upload(client, encrypted.getvalue()), "protected by a password")


def test_a_workbook_with_a_formula_is_refused_naming_the_cell(client, filled):
    workbook = load_workbook(io.BytesIO(filled))
    meta = meta_of(workbook)
    comment_column = dict(meta.columns)["comment"]
    workbook[meta.sheet].cell(row=meta.first_row + 2, column=comment_column).value = "=1+1"
    refused(upload(client, saved(workbook)), "The workbook holds a formula (in Questionnaire!")


def test_a_workbook_with_macros_is_refused(client, filled):
    with_macros = rezipped(
        filled,
        add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"},
        replace={
            "[Content_Types].xml": lambda data: data.replace(
                b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml"
            )
        },
    )
    refused(upload(client, with_macros, name="filled.xlsm"), "contains macros")


def test_a_workbook_with_external_links_is_refused(client, filled):
    linked = rezipped(
        filled,
        add={
            "xl/externalLinks/externalLink1.xml": (
                b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
            )
        },
    )
    refused(upload(client, linked), "links to other files")


def test_a_workbook_with_10000_extra_rows_is_refused(client, filled):
    workbook = load_workbook(io.BytesIO(filled))
    meta = meta_of(workbook)
    sheet = workbook[meta.sheet]
    for _ in range(10_000):
        sheet.append(["9z", "Extra", "Extra row"])
    refused(upload(client, saved(workbook)), "it has content below its last row")


def test_a_file_larger_than_the_limit_is_refused(client, filled, settings):
    settings.OFFLINE_WORKBOOK_MAX_BYTES = 1024
    refused(upload(client, filled), "The file is larger than")


def test_an_upload_without_a_file_says_so(client, focal_point, open_round):
    client.force_login(focal_point)
    response = client.post(urls("round-open", "KEN")["upload"], {})
    assert response.status_code == 400
    assert "Choose the filled workbook to upload." in text(response)


def test_a_huge_upload_is_refused_before_its_body_is_read(client, filled, settings):
    settings.OFFLINE_WORKBOOK_MAX_BYTES = 100
    response = upload(client, filled + b"\0" * 70_000)
    assert response.status_code == 413
    assert "The file is larger than" in text(response)
    assert not WorkbookUpload.objects.exists()
