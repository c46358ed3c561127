"""Cells every workbook shares: user text that Excel never runs, category colours and number formats.

Excel (and LibreOffice) run a cell as a formula when its text begins with ``=``, ``+``, ``-`` or
``@``, and some importers treat a leading tab or carriage return the same way. openpyxl would also
store such text as a formula (data type ``f``). Every text a person typed goes through
:func:`text_cell`: it is stored as a string (data type ``s``) with Excel's "quote prefix", so Excel
shows it as typed and keeps it text even when someone edits the cell.
"""

from fractions import Fraction

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray

from kernel.spreadsheet_text import (  # noqa: F401 (shared with the report builders)
    FORMULA_TRIGGERS,
    MAX_CELL_TEXT,
    clean_text,
    is_formula_like,
)
from results.colours import CATEGORY_COLOURS as WEB_COLOURS
from results.colours import CATEGORY_TEXT_COLOURS as WEB_TEXT_COLOURS

# The colours of the four categories, the same everywhere a category is coloured (web pages, the
# Excel chart and the cells): a colour-blind-safe diverging scale (ColorBrewer RdYlBu), with the
# text colour that keeps WCAG AA contrast on each fill.
# As on the web pages; openpyxl wants hex without "#".
CATEGORY_COLOURS = {
    code: (fill.lstrip("#").upper(), WEB_TEXT_COLOURS[code].lstrip("#").upper())
    for code, fill in WEB_COLOURS.items()
}
CATEGORY_FILLS = {
    code: PatternFill(fill_type="solid", start_color=fill, end_color=fill)
    for code, (fill, _text) in CATEGORY_COLOURS.items()
}
CATEGORY_FONTS = {code: Font(color=text) for code, (_fill, text) in CATEGORY_COLOURS.items()}

SCORE_FORMAT = "0.0"
SHARE_FORMAT = "0.0%"
COUNT_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def text_cell(sheet, value: object):
    """A value for a row of ``sheet`` (write-only or not) holding text someone typed.

    Ordinary text goes in as a plain string (the fast path: most cells); formula-like text as a
    string cell with a quote prefix; blank as None (an empty cell)."""
    if value is None or value == "":
        return None
    text = clean_text(value)
    if not text.startswith(FORMULA_TRIGGERS):
        return text
    cell = WriteOnlyCell(sheet, value=None)
    cell._value = text
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def repeated_text(sheet, seen: dict):
    """:func:`text_cell` for a column whose texts repeat (a country's name on each of its answers):
    each distinct text is cleaned once. Only plain strings are kept: a cell is never shared."""

    def cell_for(value: object):
        found = seen.get(value)
        if found is not None:
            return found
        result = text_cell(sheet, value)
        if type(result) is str and type(value) is str:
            seen[value] = result
        return result

    return cell_for


def cell_style(sheet, *, number_format=None, fill=None, font=None, alignment=None) -> StyleArray:
    """The registered style of a cell of ``sheet``'s workbook with these formats.

    Registering a style with the workbook is most of a styled cell's cost: each combination is
    registered once per workbook, and the cells that use it get a copy of its registered form."""
    # By identity: hashing a style object costs more than registering it; the objects are kept in
    # the entry, so an identity is never reused while the workbook lives.
    key = (number_format, id(fill), id(font), id(alignment))
    registered = sheet.parent.__dict__.setdefault("_registered_styles", {})
    entry = registered.get(key)
    if entry is None:
        cell = WriteOnlyCell(sheet)
        if number_format:
            cell.number_format = number_format
        if fill is not None:
            cell.fill = fill
        if font is not None:
            cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        entry = registered[key] = (cell._style, fill, font, alignment)
    return entry[0]


def with_style(sheet, value, style: StyleArray):
    """A cell for a write-only row holding ``value`` in a style from :func:`cell_style`."""
    return Cell(sheet, row=1, column=1, value=value, style_array=style)


def styled(sheet, value, *, number_format=None, fill=None, font=None, alignment=None):
    """A cell for a write-only row with its style (styles go on cells: rows are streamed)."""
    style = cell_style(
        sheet, number_format=number_format, fill=fill, font=font, alignment=alignment
    )
    return Cell(sheet, row=1, column=1, value=value, style_array=style)


def category_cell(sheet, code: int | None, label: str):
    """A category's label on its colour; an empty cell without a category."""
    if code is None:
        return None
    return styled(sheet, label, fill=CATEGORY_FILLS[code], font=CATEGORY_FONTS[code])


def number(value: Fraction | int | None) -> float | int | None:
    """An exact value as Excel stores numbers (a double); categories never come from it."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return float(value)


def header_cells(sheet, labels) -> list:
    return [styled(sheet, str(label), font=HEADER_FONT) for label in labels]


def fitted_width(texts, *, minimum: int = 6, maximum: int = 60) -> float:
    """A column width (in characters) that fits the longest of ``texts`` within bounds."""
    longest = max((len(str(t)) for t in texts if t is not None), default=0)
    return float(min(max(longest + 2, minimum), maximum))
