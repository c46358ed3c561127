"""Reading an uploaded offline questionnaire: first whether the file may be read at all, then its
answers, cell by cell.

The file is checked before openpyxl parses it (size, kind of file, password, macros, external
links, uncompressed size), then read in openpyxl's read-only mode and never evaluated: a cell that
holds a formula is refused, not computed. The hidden sheet must carry a valid signature
(``layout``), and each item's row must still hold that item.
"""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from questionnaire.forms import clean_value
from questionnaire.services.answers import GENERAL_COMMENT, FieldKey

from .layout import CHECKSUM_KEY, FORMAT, META_SHEET, WorkbookMeta, checksum_matches

ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
# An encrypted (password-protected) Office file is an OLE container with these streams.
ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
# How many formula cells a refusal names.
NAMED_CELLS = 5


class WorkbookRefused(Exception):
    """The file cannot be used at all; ``message`` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class FilledWorkbook:
    meta: WorkbookMeta
    # (item code or "", field) to the raw cell value and the cell's reference ("Questionnaire!F4").
    cells: dict[FieldKey, tuple[object, str]]


@dataclass
class ReadAnswers:
    """The answers the workbook holds: valid fields cleaned, wrong ones with their cell and why."""

    entries: dict[FieldKey, object] = field(default_factory=dict)
    typed: dict[FieldKey, str] = field(default_factory=dict)
    errors: dict[FieldKey, str] = field(default_factory=dict)


def max_upload_bytes() -> int:
    return settings.OFFLINE_WORKBOOK_MAX_BYTES


def open_filled_workbook(content: bytes) -> FilledWorkbook:
    """The workbook's signed description and its answer cells; raises ``WorkbookRefused``."""
    _check_container(content)
    try:
        workbook = load_workbook(
            io.BytesIO(content), read_only=True, data_only=False, keep_links=False
        )
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise WorkbookRefused(
            _("The file could not be read as an Excel workbook; nothing was saved.")
        ) from error
    try:
        meta = _meta(workbook)
        return FilledWorkbook(meta=meta, cells=_answer_cells(workbook, meta))
    finally:
        workbook.close()


def _check_container(content: bytes) -> None:
    limit = max_upload_bytes()
    if not content:
        raise WorkbookRefused(_("The file is empty; nothing was saved."))
    if len(content) > limit:
        raise WorkbookRefused(
            _("The file is larger than %(limit)s MB; nothing was saved.")
            % {"limit": f"{limit / 1024 / 1024:g}"}
        )
    if content.startswith(OLE_SIGNATURE):
        if any(stream in content for stream in ENCRYPTION_STREAMS):
            raise WorkbookRefused(
                _(
                    "The workbook is protected by a password, so it cannot be read. Remove the "
                    "password (File, Info, Protect Workbook) and upload it again; nothing was saved."
                )
            )
        raise WorkbookRefused(
            _(
                "This is an old Excel 97-2003 file (.xls). Open it in Excel and save it as an Excel "
                "workbook (.xlsx), then upload it again; nothing was saved."
            )
        )
    if not content.startswith(ZIP_SIGNATURE):
        raise WorkbookRefused(
            _(
                "The file is not an Excel workbook (.xlsx). Upload the workbook downloaded from "
                "this questionnaire; nothing was saved."
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise WorkbookRefused(
            _("The file could not be read as an Excel workbook; nothing was saved.")
        ) from error
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        raise WorkbookRefused(
            _(
                "The file is not an Excel workbook (.xlsx). Upload the workbook downloaded from "
                "this questionnaire; nothing was saved."
            )
        )
    if any(name.lower().endswith("vbaproject.bin") for name in names) or _declares_macros(archive):
        raise WorkbookRefused(
            _(
                "The workbook contains macros, which are never accepted. Save it as an Excel "
                "workbook without macros (.xlsx) and upload it again; nothing was saved."
            )
        )
    if any(name.startswith("xl/externalLinks/") for name in names):
        raise WorkbookRefused(
            _(
                "The workbook links to other files (external links), which are never accepted. "
                "Remove the links (Data, Edit Links, Break Link) and upload it again; nothing was "
                "saved."
            )
        )
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookRefused(
            _("The workbook is far larger than a questionnaire can be; nothing was saved.")
        )


def _declares_macros(archive: zipfile.ZipFile) -> bool:
    try:
        types = archive.read("[Content_Types].xml")
    except KeyError:
        return False
    return b"macroEnabled" in types or b"vbaProject" in types


def _meta(workbook) -> WorkbookMeta:
    not_ours = WorkbookRefused(
        _(
            "This workbook was not downloaded from this questionnaire, or its hidden description "
            "was removed. Download the questionnaire's workbook and copy the answers into it; "
            "nothing was saved."
        )
    )
    if META_SHEET not in workbook.sheetnames:
        raise not_ours
    rows: list[tuple[str, str]] = []
    checksum = None
    for key, value, *_rest in workbook[META_SHEET].iter_rows(
        max_row=40, max_col=2, values_only=True
    ):
        if key == CHECKSUM_KEY:
            checksum = value
            break
        if isinstance(key, str) and isinstance(value, str):
            rows.append((key, value))
    if not isinstance(checksum, str) or not checksum_matches(rows, checksum):
        raise WorkbookRefused(
            _(
                "The workbook's hidden description was changed, so its answers cannot be trusted. "
                "Download the questionnaire's workbook again; nothing was saved."
            )
        )
    try:
        meta = WorkbookMeta.from_rows(dict(rows))
    except (KeyError, TypeError, ValueError) as error:
        raise not_ours from error
    if meta.format != FORMAT:
        raise not_ours
    return meta


def _answer_cells(workbook, meta: WorkbookMeta) -> dict[FieldKey, tuple[object, str]]:
    if meta.sheet not in workbook.sheetnames:
        raise _changed_structure(_("its sheet “%(sheet)s” is missing") % {"sheet": meta.sheet})
    sheet = workbook[meta.sheet]
    rows = {meta.first_row + index: code for index, code in enumerate(meta.items)}
    comment_column, comment_row = _coordinates(meta.general_comment_cell)
    last_row = comment_row
    columns = dict(meta.columns)
    cells: dict[FieldKey, tuple[object, str]] = {}
    formulas: list[str] = []
    for row_number, row in enumerate(sheet.iter_rows(min_row=1), start=1):
        if row_number > last_row:
            if any(_holds_something(cell) for cell in row):
                raise _changed_structure(
                    _("it has content below its last row (row %(row)s)") % {"row": row_number}
                )
            continue
        for cell in row:
            if _is_formula(cell) and len(formulas) < NAMED_CELLS:
                formulas.append(f"{meta.sheet}!{_reference(cell, row_number)}")
        code = rows.get(row_number)
        if code is not None:
            found = _value_at(row, 1)
            if str(found or "").strip() != code:
                raise _changed_structure(
                    _("row %(row)s should hold item %(code)s") % {"row": row_number, "code": code}
                )
            for name, column in columns.items():
                reference = f"{meta.sheet}!{get_column_letter(column)}{row_number}"
                cells[(code, name)] = (_value_at(row, column), reference)
        elif row_number == comment_row:
            reference = f"{meta.sheet}!{meta.general_comment_cell}"
            cells[GENERAL_COMMENT] = (_value_at(row, comment_column), reference)
    if formulas:
        raise WorkbookRefused(
            ngettext(
                "The workbook holds a formula (in %(cells)s). Formulas are never run: type the "
                "answer itself, then upload the workbook again; nothing was saved.",
                "The workbook holds formulas (in %(cells)s). Formulas are never run: type the "
                "answers themselves, then upload the workbook again; nothing was saved.",
                len(formulas),
            )
            % {"cells": ", ".join(formulas)}
        )
    missing = [code for code in meta.items if (code, "option_code") not in cells]
    if missing:
        raise _changed_structure(
            _("row %(row)s should hold item %(code)s")
            % {"row": meta.first_row + meta.items.index(missing[0]), "code": missing[0]}
        )
    return cells


def _changed_structure(detail: str) -> WorkbookRefused:
    return WorkbookRefused(
        _(
            "The workbook's rows were changed (%(detail)s), so its answers cannot be matched to the "
            "items. Copy the answers into a newly downloaded workbook; nothing was saved."
        )
        % {"detail": detail}
    )


def _coordinates(reference: str) -> tuple[int, int]:

    letters, row = coordinate_from_string(reference)
    return column_index_from_string(letters), row


def _value_at(row, column: int):
    """The value in ``column`` (from 1) of a row read from column 1 (read-only rows are padded)."""
    return row[column - 1].value if len(row) >= column else None


def _holds_something(cell) -> bool:
    value = getattr(cell, "value", None)
    return value is not None and value != ""


def _is_formula(cell) -> bool:
    return getattr(cell, "data_type", None) == "f"


def _reference(cell, row_number: int) -> str:
    return f"{get_column_letter(cell.column)}{row_number}"


_SPACES = re.compile(r"\s+")


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def typed_values(filled: FilledWorkbook) -> tuple[dict[FieldKey, str], dict[FieldKey, str]]:
    """Every answer cell as the text it holds, and where it is (``"Questionnaire!F4"``)."""
    typed = {key: _as_typed(raw) for key, (raw, _where) in filled.cells.items()}
    where = {key: reference for key, (_raw, reference) in filled.cells.items()}
    return typed, where


def read_answers(typed: dict[FieldKey, str], *, options: dict[str, dict[str, str]]) -> ReadAnswers:
    """The cleaned value of every cell's text, or why it is wrong (in the active language).

    ``options`` maps each item code to {label or code, normalised: option code}: the labels in the
    workbook's language, the official English labels and the codes themselves are all accepted.
    """
    read = ReadAnswers(typed=dict(typed))
    for key, text in typed.items():
        code, name = key
        try:
            if name == "option_code":
                read.entries[key] = _option_code(text, options[code])
            else:
                read.entries[key] = clean_value(key, text)
        except ValidationError as error:
            read.errors[key] = " ".join(error.messages)
    return read


def _as_typed(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw.replace("\r\n", "\n")
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime.datetime):
        return raw.date().isoformat() if raw.time() == datetime.time() else raw.isoformat()
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    return str(raw)


def _option_code(typed: str, options: dict[str, str]) -> str:
    if not typed.strip():
        return ""
    found = options.get(_normal(typed))
    if found is None:
        raise ValidationError(_("Choose one of the answers offered in the list."))
    return found


def accepted_answers(items, *, language: str) -> dict[str, dict[str, str]]:
    """For ``read_answers``: each item's accepted spellings of its answers in ``language``."""
    accepted: dict[str, dict[str, str]] = {}
    for item in items:
        spellings = {}
        for option in item.options:
            spellings[_normal(option.code)] = option.code
            spellings[_normal(option.label)] = option.code
            with translation.override(language):
                spellings[_normal(option.display_label)] = option.code
        accepted[item.code] = spellings
    return accepted
