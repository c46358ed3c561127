"""Where everything sits in the offline questionnaire workbook, shared by the writer and the reader.

The workbook carries, in a hidden sheet, what an upload needs to check it (the country, the round,
the questionnaire version, the submission's revision at download time, the language, and where each
item's row and each field's column are), signed with the site's secret key: a changed value, a
copied block or a reordered row is detected, not trusted.
"""

import json
from dataclasses import asdict, dataclass

from django.utils.crypto import constant_time_compare, salted_hmac

FORMAT = "policyindex-offline-questionnaire/1"
META_SHEET = "policyindex"
LISTS_SHEET = "lists"
CHECKSUM_KEY = "checksum"
_SALT = "offline.layout.WorkbookMeta"

# The editable columns, in order after the fixed ones, by the answer field each holds.
ANSWER_COLUMNS = ("option_code", "policy_name", "policy_year", "link", "citation", "comment")


@dataclass(frozen=True)
class WorkbookMeta:
    """What the hidden sheet says about the workbook; every value is plain text or a number."""

    format: str
    country: str  # ISO3
    round: str  # round code
    questionnaire_version: str  # the version's code
    revision: int  # the submission's revision when the workbook was made
    language: str
    sheet: str  # the title of the answers sheet (translated)
    first_row: int  # the row of the first item
    items: tuple[str, ...]  # item codes, one per row from first_row
    columns: tuple[tuple[str, int], ...]  # (answer field, column number)
    general_comment_cell: str  # e.g. "F40"
    generated_at: str  # ISO 8601

    def rows(self) -> list[tuple[str, str]]:
        """The meta as the hidden sheet holds it: one key and its value (JSON text) per row."""
        return [(key, json.dumps(value, ensure_ascii=False)) for key, value in asdict(self).items()]

    @property
    def checksum(self) -> str:
        return checksum_of(self.rows())

    @classmethod
    def from_rows(cls, rows: dict[str, str]) -> "WorkbookMeta":
        """Raises ValueError (or KeyError, TypeError) when a row is missing or malformed."""
        values = {name: json.loads(rows[name]) for name in cls.__dataclass_fields__}
        values["items"] = tuple(values["items"])
        values["columns"] = tuple((str(f), int(c)) for f, c in values["columns"])
        values["revision"] = int(values["revision"])
        values["first_row"] = int(values["first_row"])
        return cls(**values)


def checksum_of(rows: list[tuple[str, str]]) -> str:
    """A keyed hash (HMAC-SHA256 with the site's secret key) of the meta rows."""
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return salted_hmac(_SALT, text, algorithm="sha256").hexdigest()


def checksum_matches(rows: list[tuple[str, str]], checksum: str) -> bool:
    return constant_time_compare(checksum_of(rows), checksum)
