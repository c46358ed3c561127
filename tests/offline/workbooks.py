"""Helpers for the offline questionnaire tests: download, fill with openpyxl as a person would in
Excel, upload, and read the dry run."""

import io
import re

from django.urls import reverse
from openpyxl import load_workbook

from offline.layout import META_SHEET, WorkbookMeta


def urls(round_code: str, iso3: str) -> dict[str, str]:
    args = {"round_code": round_code, "iso3": iso3}
    return {
        "download": reverse("offline:download", kwargs=args),
        "upload": reverse("offline:upload", kwargs=args),
        "fill": reverse("questionnaire:fill", kwargs=args),
    }


def download(
    client, round_code: str = "round-open", iso3: str = "KEN", *, query: str = ""
) -> bytes:
    response = client.get(urls(round_code, iso3)["download"] + query)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return response.content


def meta_of(workbook) -> WorkbookMeta:
    rows = {
        key: value
        for key, value in workbook[META_SHEET].iter_rows(max_col=2, values_only=True)
        if key != "checksum"
    }
    return WorkbookMeta.from_rows(rows)


def fill(content: bytes, values: dict, *, general_comment=None) -> bytes:
    """The workbook with cells typed in: ``values`` maps an item code to {field: value}."""
    workbook = load_workbook(io.BytesIO(content))
    meta = meta_of(workbook)
    sheet = workbook[meta.sheet]
    columns = dict(meta.columns)
    for code, fields in values.items():
        row = meta.first_row + meta.items.index(code)
        assert sheet.cell(row=row, column=1).value == code
        for name, value in fields.items():
            sheet.cell(row=row, column=columns[name]).value = value
    if general_comment is not None:
        sheet[meta.general_comment_cell] = general_comment
    return saved(workbook)


def saved(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(
    client,
    content: bytes,
    *,
    round_code="round-open",
    iso3="KEN",
    name="filled.xlsx",
    query="",
    **data,
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(urls(round_code, iso3)["upload"] + query, {"workbook": file, **data})


def review_url(response) -> str:
    assert response.status_code == 302, text(response)[-1500:]
    return response["Location"]


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
