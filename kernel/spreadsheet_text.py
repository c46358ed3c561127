"""Text a person typed, as a spreadsheet may hold it without ever running it.

Excel (and LibreOffice) run a cell as a formula when its text begins with ``=``, ``+``, ``-`` or
``@``, and some importers treat a leading tab or carriage return the same way. Every workbook the
system writes stores such text as a string cell with Excel's "quote prefix"; these are the rules
both the reports and the offline questionnaire follow.
"""

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 forbids (openpyxl refuses them): they cannot reach a workbook.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Excel's limit on a cell's text.
MAX_CELL_TEXT = 32_767


def clean_text(value: object) -> str:
    """The text as a workbook may hold it: no character XML forbids, within Excel's length."""
    text = value if type(value) is str else str(value)
    # Searching first: almost no text holds such a character, and a search copies nothing.
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text if len(text) <= MAX_CELL_TEXT else text[:MAX_CELL_TEXT]


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)
