"""The offline questionnaire: a workbook for one country and round, built from plain data.

Sheets: the instructions (first, in the workbook's language), the questionnaire (one row per item:
the code, the domain, the question in the workbook's language beside the official English, then the
answer as a drop-down of the response options and the five evidence fields, pre-filled with what is
saved), and two hidden sheets: the drop-down lists, and what an upload needs to check the file,
signed (``layout``). Only the answer and evidence cells can be edited; the sheets and the workbook's
structure are protected.
"""

from copy import copy

from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from kernel.spreadsheet_text import clean_text, is_formula_like
from questionnaire.forms import EARLIEST_POLICY_YEAR, LABELS, LIMITS, latest_policy_year

from .layout import ANSWER_COLUMNS, CHECKSUM_KEY, FORMAT, LISTS_SHEET, META_SHEET, WorkbookMeta
from .template_data import TemplateData

FIRST_ROW = 4
HEADER_ROW = 3
EDITABLE_FILL = PatternFill(fill_type="solid", start_color="FFF8DC", end_color="FFF8DC")
HEADER_FILL = PatternFill(fill_type="solid", start_color="DDE5F0", end_color="DDE5F0")
UNLOCKED = Protection(locked=False)
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WIDTHS = {
    "code": 7,
    "domain": 22,
    "text": 48,
    "official": 48,
    "option_code": 30,
    "policy_name": 30,
    "policy_year": 8,
    "link": 30,
    "citation": 30,
    "comment": 40,
    "files": 30,
}


class _Styles:
    """The few cell styles of the questionnaire sheet, each registered once with the workbook:
    setting a style attribute on each cell registers it again, which costs more than the rest of
    a cell."""

    def __init__(self, sheet):
        self.wrap = self._registered(sheet, alignment=WRAP)
        self.code = self._registered(sheet, alignment=WRAP, font=BOLD)
        self.header = self._registered(sheet, alignment=WRAP, font=BOLD, fill=HEADER_FILL)
        self.editable = self._registered(
            sheet, alignment=WRAP, fill=EDITABLE_FILL, protection=UNLOCKED
        )

    @staticmethod
    def _registered(sheet, **attributes):
        prototype = Cell(sheet)
        for name, value in attributes.items():
            setattr(prototype, name, value)
        return prototype._style

    @staticmethod
    def apply(cell, style) -> None:
        cell._style = copy(style)


def sheet_title() -> str:
    return _("Questionnaire")


def build_questionnaire_workbook(data: TemplateData) -> Workbook:
    """The workbook, in ``data.language``; the caller saves it."""
    with translation.override(data.language):
        workbook = Workbook()
        instructions = workbook.active
        instructions.title = _("Instructions")
        sheet = workbook.create_sheet(sheet_title())
        lists = workbook.create_sheet(LISTS_SHEET)
        meta_sheet = workbook.create_sheet(META_SHEET)
        meta = _questionnaire_sheet(sheet, lists, data)
        _instructions_sheet(instructions, data)
        _meta_sheet(meta_sheet, meta)
        for hidden in (lists, meta_sheet):
            hidden.sheet_state = "veryHidden"
            hidden.protection.sheet = True
        workbook.security = WorkbookProtection(lockStructure=True)
        workbook.active = 1
        instructions.sheet_view.tabSelected = False
    return workbook


def _text(cell, value) -> None:
    """Text someone typed: kept as text, never run as a formula."""
    if value is None or value == "":
        return
    text = clean_text(value)
    if is_formula_like(text):
        cell._value, cell.data_type = text, "s"
        cell.quotePrefix = True
    else:
        cell.value = text


def _columns(data: TemplateData) -> list[tuple[str, str]]:
    """(key, header) of every column, left to right."""
    columns = [("code", _("Item")), ("domain", _("Domain"))]
    if data.translated:
        columns += [
            ("text", _("Question (unofficial translation)")),
            ("official", _("Question (official English)")),
        ]
    else:
        columns.append(("text", _("Question")))
    columns += [(name, str(LABELS[name])) for name in ANSWER_COLUMNS]
    columns.append(("files", _("Attached files (attach them on the questionnaire's page)")))
    return columns


def _questionnaire_sheet(sheet, lists, data: TemplateData) -> WorkbookMeta:
    columns = _columns(data)
    number = {key: index for index, (key, _header) in enumerate(columns, start=1)}
    last = get_column_letter(len(columns))
    sheet["A1"] = _("%(country)s — %(round)s") % {
        "country": data.country_name,
        "round": data.round_name,
    }
    sheet["A1"].font = TITLE
    sheet["A2"] = _(
        "Fill in only the shaded cells: choose each answer from its list, and give the law, policy "
        "or strategy behind it. Do not add, remove or move rows."
    )
    sheet["A2"].alignment = WRAP
    sheet.merge_cells(f"A2:{last}2")
    sheet.row_dimensions[2].height = 30
    styles = _Styles(sheet)
    for key, header in columns:
        cell = sheet.cell(row=HEADER_ROW, column=number[key], value=header)
        styles.apply(cell, styles.header)
        sheet.column_dimensions[get_column_letter(number[key])].width = WIDTHS[key]

    list_ranges = _option_lists(lists, data)
    answer_cells: dict[str, list[str]] = {}
    for row, item in enumerate(data.items, start=FIRST_ROW):
        styles.apply(sheet.cell(row=row, column=number["code"], value=item.code), styles.code)
        styles.apply(sheet.cell(row=row, column=number["domain"], value=item.domain), styles.wrap)
        styles.apply(sheet.cell(row=row, column=number["text"], value=item.text), styles.wrap)
        if data.translated:
            official = sheet.cell(row=row, column=number["official"], value=item.official_text)
            styles.apply(official, styles.wrap)
        saved = data.answers.get(item.code, {})
        labels = dict(item.options)
        for name in ANSWER_COLUMNS:
            cell = sheet.cell(row=row, column=number[name])
            # The style first: a formula-like text adds its quote prefix to it.
            styles.apply(cell, styles.editable)
            value = saved.get(name)
            if name == "option_code":
                cell.value = labels.get(value) or None
                answer_cells.setdefault(item.response_set, []).append(cell.coordinate)
            elif name == "policy_year":
                cell.value = value
            else:
                _text(cell, value)
        files = sheet.cell(row=row, column=number["files"])
        styles.apply(files, styles.wrap)
        _text(files, "\n".join(data.files.get(item.code, ())))

    comment_row = FIRST_ROW + len(data.items) + 1
    answer_column = number["option_code"]
    label = sheet.cell(row=comment_row, column=1, value=str(LABELS["general_comment"]))
    label.font = BOLD
    sheet.merge_cells(
        start_row=comment_row, start_column=1, end_row=comment_row, end_column=answer_column - 1
    )
    comment = sheet.cell(row=comment_row, column=answer_column)
    styles.apply(comment, styles.editable)
    _text(comment, data.general_comment)
    sheet.merge_cells(
        start_row=comment_row,
        start_column=answer_column,
        end_row=comment_row,
        end_column=number["comment"],
    )
    sheet.row_dimensions[comment_row].height = 60

    _validations(sheet, data, number, answer_cells, list_ranges, comment_row)
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=number["option_code"])
    sheet.protection.sheet = True
    # Protected against changes of wording and structure, not against resizing to read.
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return WorkbookMeta(
        format=FORMAT,
        country=data.country_iso3,
        round=data.round_code,
        questionnaire_version=data.questionnaire_version,
        revision=data.revision,
        language=data.language,
        sheet=sheet.title,
        first_row=FIRST_ROW,
        items=tuple(item.code for item in data.items),
        columns=tuple((name, number[name]) for name in ANSWER_COLUMNS),
        general_comment_cell=comment.coordinate,
        generated_at=data.generated_at.isoformat(),
    )


def _option_lists(lists, data: TemplateData) -> dict[str, str]:
    """Each response set's labels in a column of the hidden lists sheet; its range by set."""
    ranges, column = {}, 0
    for item in data.items:
        if item.response_set in ranges:
            continue
        column += 1
        letter = get_column_letter(column)
        for row, (_code, label) in enumerate(item.options, start=1):
            lists.cell(row=row, column=column, value=label)
        ranges[item.response_set] = (
            f"{quote_sheetname(LISTS_SHEET)}!${letter}$1:${letter}${len(item.options)}"
        )
    return ranges


def _validations(sheet, data, number, answer_cells, list_ranges, comment_row) -> None:
    for response_set, cells in answer_cells.items():
        validation = DataValidation(
            type="list",
            formula1=list_ranges[response_set],
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Answer"),
            error=_("Choose one of the answers offered in the list."),
            showInputMessage=True,
            promptTitle=_("Answer"),
            prompt=_("Choose the answer from the list."),
        )
        for cell in cells:
            validation.add(cell)
        sheet.add_data_validation(validation)
    rows = f"{FIRST_ROW}:{FIRST_ROW + len(data.items) - 1}"
    first, last = rows.split(":")
    year = get_column_letter(number["policy_year"])
    latest = latest_policy_year()
    year_rule = DataValidation(
        type="whole",
        operator="between",
        formula1=str(EARLIEST_POLICY_YEAR),
        formula2=str(latest),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=str(LABELS["policy_year"]),
        error=_("Enter a year between %(first)s and %(last)s.")
        % {"first": EARLIEST_POLICY_YEAR, "last": latest},
    )
    year_rule.add(f"{year}{first}:{year}{last}")
    sheet.add_data_validation(year_rule)
    for name in ("policy_name", "link", "citation", "comment"):
        letter = get_column_letter(number[name])
        length_rule = DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1=str(LIMITS[name]),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=str(LABELS[name]),
            error=_("At most %(limit)s characters.") % {"limit": LIMITS[name]},
        )
        length_rule.add(f"{letter}{first}:{letter}{last}")
        sheet.add_data_validation(length_rule)


def _instructions_sheet(sheet, data: TemplateData) -> None:
    generated = date_format(localtime(data.generated_at), "DATETIME_FORMAT")
    lines = [
        (_("10.7.2 questionnaire for offline filling"), TITLE),
        ("", None),
        (_("Country: %(name)s") % {"name": data.country_name}, BOLD),
        (_("Round: %(name)s") % {"name": data.round_name}, BOLD),
        (
            _("Questionnaire version: %(name)s") % {"name": data.questionnaire_version_name},
            None,
        ),
        (_("Made on %(date)s by %(name)s.") % {"date": generated, "name": data.generated_by}, None),
        (
            _("It holds the answers saved on %(date)s (revision %(revision)s).")
            % {"date": data.saved_at, "revision": data.revision}
            if data.saved_at
            else _("No answer had been saved when it was made."),
            None,
        ),
        ("", None),
        (_("How to fill it in"), BOLD),
        (
            _(
                "1. On the sheet “%(sheet)s”, fill in only the shaded cells. Choose each answer "
                "from the list in its cell; give the law, policy or strategy, its year, a link, "
                "the article or section, and any comment."
            )
            % {"sheet": sheet_title()},
            None,
        ),
        (
            _(
                "2. Colleagues in other ministries may fill in parts of it. Keep the file as an "
                "Excel workbook (.xlsx): do not add, remove, move or rename rows, columns or "
                "sheets, and do not type formulas."
            ),
            None,
        ),
        (
            _(
                "3. Upload the filled workbook on the questionnaire's page: %(url)s. You will see "
                "what would change, item by item, before anything is saved."
            )
            % {"url": data.upload_url},
            None,
        ),
        (
            _(
                "4. If someone changed an answer online after this workbook was made, the upload "
                "shows both values and you choose which to keep: nothing is overwritten "
                "without your choice."
            ),
            None,
        ),
        (
            _(
                "5. Uploading saves a draft. The questionnaire is submitted only from its page, "
                "once every item has an answer."
            ),
            None,
        ),
    ]
    if data.translated:
        lines += [
            ("", None),
            (
                _(
                    "The questionnaire is shown in an unofficial translation; the official English "
                    "wording is shown beside it."
                ),
                None,
            ),
        ]
    for row, (text, font) in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=text or None)
        cell.alignment = WRAP
        if font is not None:
            cell.font = font
    sheet.column_dimensions["A"].width = 110
    sheet.protection.sheet = True


def _meta_sheet(sheet, meta: WorkbookMeta) -> None:
    rows = meta.rows()
    for key, value in rows:
        sheet.append([key, value])
    sheet.append([CHECKSUM_KEY, meta.checksum])
