"""SDMX-CSV exchange for SDG indicator 10.7.2 (pure Python, standard library only).

Reading: :func:`read_sdmx_csv` turns an SDMX-CSV file (version 1.0 or 2.0) holding the country
series ``SG_CPA_MIGRS`` into validated :class:`Observation` objects, and reports every problem it
finds with the physical line number of the file (the header is line 1) instead of stopping at the
first one. Whether a REF_AREA is a known country is for the caller to check.

Writing: :func:`write_sdmx_csv` writes :class:`ExportRow` objects as SDMX-CSV 1.0 for the IAEG-SDGs
``SDG`` data structure (dataflow ``IAEG-SDGs:DF_SDG_GLH``), one row per observation: the 15
dimensions and TIME_PERIOD in key order, OBS_VALUE, then the attributes in the order the structure
declares them (OBS_STATUS, UNIT_MULT, UNIT_MEASURE, NATURE; OBS_STATUS, UNIT_MULT and UNIT_MEASURE
are mandatory). The dataflow version is a parameter (the project's setting
``SDMX_DATAFLOW_VERSION``): data.un.org raises it with every database release, and a reader that
checks it wants the one it serves.

The two formats, as accepted here:

* SDMX-CSV 1.0: the first column is ``DATAFLOW`` (value ``AGENCY:ID(VERSION)``), then one column
  per dimension, ``TIME_PERIOD``, ``OBS_VALUE`` and the attributes.
* SDMX-CSV 2.0: the first columns are ``STRUCTURE`` (``dataflow``, ``datastructure`` ...; the
  header may read ``STRUCTURE[;]`` to declare a sub-field separator), ``STRUCTURE_ID`` and
  optionally ``ACTION`` (``I`` information, ``A`` append, ``R`` replace, ``M`` merge, ``D``
  delete). Deletions cannot be applied to stored responses, so ``D`` rows are reported as problems.
* Either version may be written with ``labels=both``: headers read ``SERIES: Series`` and values
  ``208: Denmark``. The id before the first colon is used.
* Columns are found by their (case-sensitive) id in any order; unknown columns are ignored.
  The field separator is a comma; a header line without a comma but with ``;`` or a tab is read
  with that separator (SDMX-CSV 2.0 allows other separators).

Units and nature (chosen; the UN SDG Global Database is the reference):

* ``SG_CPA_MIGRS`` (category 1-4 of a country, overall and by policy domain): the SDG database
  publishes such coded/categorical country series with units "NUMBER", so
  ``MIGRS_UNIT_MEASURE = "NUMBER"``. The categories are computed from the answers governments
  give to the UN Inquiry and validate themselves, hence ``MIGRS_NATURE = "C"`` (country data).
* ``SG_CPA_MIGRP`` (proportion of responding countries of a region, in per cent):
  ``MIGRP_UNIT_MEASURE = "PT"`` (per cent) and ``MIGRP_NATURE = "G"`` (global monitoring data:
  aggregates produced by the custodian agency).
* ``UNIT_MULT = "0"`` (values are not scaled) and ``REPORTING_TYPE = "G"`` (global reporting)
  by default.

If the SDG database is found to use other codes for these series, change the constants below;
nothing else depends on their values.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TextIO

from scoring import engine

__all__ = [
    "BREAKDOWNS",
    "DATAFLOW",
    "MIGRP",
    "MIGRP_NATURE",
    "MIGRP_UNIT_MEASURE",
    "MIGRS",
    "MIGRS_NATURE",
    "MIGRS_UNIT_MEASURE",
    "MISSING_VALUES",
    "REQUIRED_COLUMNS",
    "SDG_ATTRIBUTES",
    "SDG_DIMENSIONS",
    "SERIES_DEFAULTS",
    "ExportRow",
    "Observation",
    "Problem",
    "ReadResult",
    "dataflow_id",
    "format_obs_value",
    "is_missing_value",
    "read_sdmx_csv",
    "write_sdmx_csv",
]

#: The version of DF_SDG_GLH data.un.org serves (see settings.SDMX_DATAFLOW_VERSION for the choice).
DEFAULT_DATAFLOW_VERSION = "1.26"


def dataflow_id(version: str = DEFAULT_DATAFLOW_VERSION) -> str:
    """The DATAFLOW column's value, ``AGENCY:ID(VERSION)``."""
    return f"IAEG-SDGs:DF_SDG_GLH({version})"


DATAFLOW = dataflow_id()

#: Dimensions of the IAEG-SDGs ``SDG`` data structure, in key order (TIME_PERIOD follows).
SDG_DIMENSIONS: tuple[str, ...] = (
    "FREQ",
    "REPORTING_TYPE",
    "SERIES",
    "REF_AREA",
    "SEX",
    "AGE",
    "URBANISATION",
    "INCOME_WEALTH_QUANTILE",
    "EDUCATION_LEV",
    "OCCUPATION",
    "CUST_BREAKDOWN",
    "COMPOSITE_BREAKDOWN",
    "DISABILITY_STATUS",
    "ACTIVITY",
    "PRODUCT",
)

#: Attributes of the IAEG-SDGs ``SDG`` structure, in its declaration order (the first three are
#: mandatory). The export writes the ones 10.7.2 has: :data:`EXPORT_ATTRIBUTES`.
SDG_ATTRIBUTES: tuple[str, ...] = (
    "OBS_STATUS",
    "UNIT_MULT",
    "UNIT_MEASURE",
    "BASE_PER",
    "NATURE",
    "TIME_DETAIL",
    "COMMENT_OBS",
    "TIME_COVERAGE",
    "UPPER_BOUND",
    "LOWER_BOUND",
    "SOURCE_DETAIL",
    "COMMENT_TS",
    "GEO_INFO_URL",
    "GEO_INFO_TYPE",
    "CUST_BREAKDOWN_LB",
    "DATA_LAST_UPDATE",
)

#: Attributes written after OBS_VALUE, in the structure's order.
EXPORT_ATTRIBUTES: tuple[str, ...] = ("OBS_STATUS", "UNIT_MULT", "UNIT_MEASURE", "NATURE")

#: OBS_STATUS "A": a normal value (SDMX code list CL_OBS_STATUS).
OBS_STATUS_NORMAL = "A"

EXPORT_HEADER: tuple[str, ...] = (
    ("DATAFLOW",) + SDG_DIMENSIONS + ("TIME_PERIOD", "OBS_VALUE") + EXPORT_ATTRIBUTES
)

MIGRS = "SG_CPA_MIGRS"
MIGRP = "SG_CPA_MIGRP"

MIGRS_UNIT_MEASURE = "NUMBER"
MIGRS_NATURE = "C"
MIGRP_UNIT_MEASURE = "PT"
MIGRP_NATURE = "G"
DEFAULT_UNIT_MULT = "0"
DEFAULT_REPORTING_TYPE = "G"

#: Series -> (UNIT_MEASURE, NATURE) used when an ExportRow leaves them unset.
SERIES_DEFAULTS: dict[str, tuple[str, str]] = {
    MIGRS: (MIGRS_UNIT_MEASURE, MIGRS_NATURE),
    MIGRP: (MIGRP_UNIT_MEASURE, MIGRP_NATURE),
}

#: COMPOSITE_BREAKDOWN codes in publication order: overall, then policy domains 1-6.
BREAKDOWNS: tuple[str, ...] = engine.BREAKDOWNS
_BREAKDOWN_ORDER = {code: index for index, code in enumerate(BREAKDOWNS)}

REQUIRED_COLUMNS: tuple[str, ...] = (
    "SERIES",
    "REF_AREA",
    "TIME_PERIOD",
    "OBS_VALUE",
    "COMPOSITE_BREAKDOWN",
)

#: Breakdown dimensions other than COMPOSITE_BREAKDOWN: always "_T" for 10.7.2.
_TOTAL_ONLY_DIMENSIONS: tuple[str, ...] = tuple(
    d
    for d in SDG_DIMENSIONS
    if d not in ("FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "COMPOSITE_BREAKDOWN")
)

_ACTIONS_ACCEPTED = frozenset({"I", "A", "R", "M"})

#: OBS_VALUE texts that mean "no value" in the UN's files (data.un.org writes territories without
#: data as N or NaN; spreadsheets leave the cell empty): such rows are skipped and counted.
MISSING_VALUES = frozenset({"", "N", "NAN", "NA", "N/A", "#N/A", "..", "NULL", "NONE"})


def is_missing_value(raw: str) -> bool:
    return raw.strip().upper() in MISSING_VALUES


_REF_AREA_RE = re.compile(r"\d{1,3}")
_TIME_PERIOD_RE = re.compile(r"(\d{4})(?:-\d{2}(?:-\d{2})?)?")
_CATEGORY_RE = re.compile(r"\+?(\d+)(?:\.0+)?")


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def gettext_noop(message: str) -> str:
    """Marks an English message for the translation catalogues (``makemessages`` reads calls of
    this name) and returns it unchanged: the reader imports no Django, and whoever shows a
    :class:`Problem` to a person translates it into their language (``Problem.translated``)."""
    return message


@dataclass(frozen=True)
class Problem:
    """Something wrong with the file. ``line`` is the 1-based physical line (header = 1); ``text``
    is the message in English, its ``%(name)s`` placeholders filled from ``params``."""

    line: int | None
    text: str
    params: Mapping[str, object] | None = None

    @property
    def message(self) -> str:
        return self.text % self.params if self.params else self.text

    def translated(self, gettext: Callable[[str], str]) -> Problem:
        """The same problem in the language ``gettext`` translates into."""
        text = gettext(self.text)
        return Problem(self.line, text % self.params if self.params else text)

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class Observation:
    """One validated SG_CPA_MIGRS observation: a country's category for a year and breakdown."""

    line: int
    ref_area: str  # M49 code, zero-padded to 3 digits ("008", "208")
    year: int
    breakdown: str  # "_T" or "PD_1".."PD_6"
    value: int  # category 1-4


@dataclass(frozen=True)
class ReadResult:
    observations: tuple[Observation, ...] = ()
    skipped_other_series: int = 0
    problems: tuple[Problem, ...] = field(default=())
    # Rows whose value is missing (N, NaN, empty...): not data, not an error.
    skipped_missing: int = 0
    # Which layout the file was read as (see scoring.published_files).
    layout: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def _code(value: str) -> str:
    """The id of a value or header that may carry a label ("208: Denmark" -> "208")."""
    value = value.strip().lstrip("\ufeff")
    head, sep, _label = value.partition(":")
    return head.strip() if sep else value


def _header_id(name: str) -> str:
    name = _code(name)
    # SDMX-CSV 2.0 may declare a sub-field separator: STRUCTURE[;]
    if name.startswith("STRUCTURE[") and name.endswith("]"):
        return "STRUCTURE"
    return name


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes | str) -> tuple[str | None, Problem | None]:
    if isinstance(data, str):
        text = data
        if "\x00" in text:
            return None, Problem(
                None, gettext_noop("the file is not CSV text (it contains NUL characters)")
            )
    else:
        if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
            return None, Problem(
                None,
                gettext_noop(
                    "the file is not CSV text: it looks like an Excel workbook or a zip archive; "
                    "save it as 'CSV UTF-8'"
                ),
            )
        if b"\x00" in data:
            return None, Problem(
                None,
                gettext_noop(
                    "the file is not CSV text (it contains NUL bytes: a binary or UTF-16 file?)"
                ),
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, Problem(
                _line_of_offset(data, exc.start),
                gettext_noop(
                    "the file is not UTF-8 text (undecodable byte at position %(position)s); "
                    "save it as 'CSV UTF-8'"
                ),
                {"position": exc.start},
            )
    return text.lstrip("\ufeff"), None


def _not_csv(line: int, error: csv.Error) -> Problem:
    return Problem(line, gettext_noop("the file is not valid CSV: %(error)s"), {"error": error})


def _delimiter(first_line: str) -> str:
    if "," in first_line:
        return ","
    if ";" in first_line:
        return ";"
    if "\t" in first_line:
        return "\t"
    return ","


def _parse_category(raw: str) -> int | None:
    match = _CATEGORY_RE.fullmatch(raw)
    if match is None:
        return None
    value = int(match.group(1))
    return value if 1 <= value <= 4 else None


def read_sdmx_csv(data: bytes | str, *, series: str = MIGRS) -> ReadResult:
    """Read observations of ``series`` from SDMX-CSV 1.0 or 2.0 text or bytes.

    Every problem found is collected; observations are returned only for valid rows (check
    ``result.ok`` before using them). Rows of other series are skipped and counted.
    """
    text, problem = _decode(data)
    if problem is not None:
        return ReadResult(problems=(problem,))
    assert text is not None
    if not text.strip():
        return ReadResult(problems=(Problem(None, gettext_noop("the file is empty")),))

    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    problems: list[Problem] = []

    # Header: the first non-blank record.
    header: list[str] | None = None
    header_line = 1
    previous_end = 0
    try:
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if any(cell.strip() for cell in record):
                header, header_line = record, start
                break
    except csv.Error as exc:
        return ReadResult(problems=(_not_csv(previous_end + 1, exc),))
    if header is None:
        return ReadResult(problems=(Problem(None, gettext_noop("the file is empty")),))

    names = [_header_id(name) for name in header]
    columns: dict[str, int] = {}
    duplicated: list[str] = []
    for index, name in enumerate(names):
        if not name:
            continue
        if name in columns:
            duplicated.append(name)
        else:
            columns[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        problems.append(
            Problem(
                header_line,
                gettext_noop(
                    "not an SDMX-CSV file of the SDG data structure: missing required column(s) "
                    "%(columns)s"
                ),
                {"columns": ", ".join(missing)},
            )
        )
    if duplicated:
        problems.append(
            Problem(
                header_line,
                gettext_noop("column(s) appear more than once: %(columns)s"),
                {"columns": ", ".join(duplicated)},
            )
        )
    if problems:
        return ReadResult(problems=tuple(problems))

    width = len(header)
    observations: list[Observation] = []
    seen: dict[tuple[str, int, str], Observation] = {}
    skipped = 0
    skipped_missing = 0
    rows_of_series = 0

    def cell(record: list[str], name: str) -> str | None:
        index = columns.get(name)
        if index is None:
            return None
        return record[index].strip() if index < len(record) else ""

    try:
        for record in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if not any(c.strip() for c in record):
                continue  # blank line

            series_raw = cell(record, "SERIES") or ""
            series_id = _code(series_raw)
            if series_id and series_id != series:
                skipped += 1
                continue
            rows_of_series += 1
            row_problems: list[tuple[str, dict]] = []

            if len(record) != width:
                row_problems.append(
                    (
                        gettext_noop("the row has %(fields)s fields but the header has %(width)s"),
                        {"fields": len(record), "width": width},
                    )
                )
            if not series_id:
                row_problems.append((gettext_noop("SERIES is empty"), {}))

            action = cell(record, "ACTION")
            if action:
                action_code = _code(action).upper()
                if action_code == "D":
                    row_problems.append(
                        (
                            gettext_noop(
                                "ACTION D (delete): deletions are not supported; "
                                "remove the row or send the values to keep"
                            ),
                            {},
                        )
                    )
                elif action_code not in _ACTIONS_ACCEPTED:
                    row_problems.append(
                        (
                            gettext_noop("unknown ACTION %(value)r (expected I, A, R or M)"),
                            {"value": action},
                        )
                    )
            if not row_problems and is_missing_value(cell(record, "OBS_VALUE") or ""):
                skipped_missing += 1
                continue

            freq = cell(record, "FREQ")
            if freq and _code(freq) != "A":
                row_problems.append(
                    (gettext_noop("FREQ %(value)r is not A (annual)"), {"value": freq})
                )
            reporting_type = cell(record, "REPORTING_TYPE")
            if reporting_type and _code(reporting_type) not in ("G", "N"):
                row_problems.append(
                    (
                        gettext_noop("REPORTING_TYPE %(value)r is not G or N"),
                        {"value": reporting_type},
                    )
                )
            for dimension in _TOTAL_ONLY_DIMENSIONS:
                raw = cell(record, dimension)
                if raw and _code(raw) != "_T":
                    row_problems.append(
                        (
                            gettext_noop(
                                "%(dimension)s %(value)r is not _T (10.7.2 has no such breakdown)"
                            ),
                            {"dimension": dimension, "value": raw},
                        )
                    )

            ref_area_raw = cell(record, "REF_AREA") or ""
            ref_area_code = _code(ref_area_raw)
            ref_area: str | None = None
            if _REF_AREA_RE.fullmatch(ref_area_code):
                ref_area = ref_area_code.zfill(3)
            else:
                row_problems.append(
                    (
                        gettext_noop("REF_AREA %(value)r is not an M49 numeric code"),
                        {"value": ref_area_raw},
                    )
                    if ref_area_raw
                    else (gettext_noop("REF_AREA is empty"), {})
                )

            time_raw = cell(record, "TIME_PERIOD") or ""
            time_match = _TIME_PERIOD_RE.fullmatch(time_raw)
            year: int | None = int(time_match.group(1)) if time_match else None
            if year is None:
                row_problems.append(
                    (gettext_noop("TIME_PERIOD %(value)r is not a year"), {"value": time_raw})
                    if time_raw
                    else (gettext_noop("TIME_PERIOD is empty"), {})
                )

            breakdown_raw = cell(record, "COMPOSITE_BREAKDOWN") or ""
            breakdown: str | None = _code(breakdown_raw)
            if breakdown not in _BREAKDOWN_ORDER:
                row_problems.append(
                    (
                        gettext_noop(
                            "unknown breakdown %(value)r in COMPOSITE_BREAKDOWN "
                            "(expected _T or PD_1 to PD_6)"
                        ),
                        {"value": breakdown_raw},
                    )
                )
                breakdown = None

            value_raw = cell(record, "OBS_VALUE") or ""
            value = _parse_category(value_raw)
            if value is None:
                row_problems.append(
                    (
                        gettext_noop("OBS_VALUE %(value)r is not a category 1, 2, 3 or 4"),
                        {"value": value_raw},
                    )
                    if value_raw
                    else (gettext_noop("OBS_VALUE is empty"), {})
                )

            if row_problems:
                problems.extend(Problem(line, text, params) for text, params in row_problems)
                continue

            assert ref_area is not None and year is not None and breakdown is not None
            assert value is not None
            observation = Observation(
                line=line, ref_area=ref_area, year=year, breakdown=breakdown, value=value
            )
            key = (ref_area, year, breakdown)
            earlier = seen.get(key)
            if earlier is None:
                seen[key] = observation
                observations.append(observation)
            elif earlier.value != value:
                problems.append(
                    Problem(
                        line,
                        gettext_noop(
                            "conflicting values for REF_AREA %(area)s, %(year)s, %(breakdown)s: "
                            "%(value)s on line %(line)s but %(earlier)s on line %(earlier_line)s"
                        ),
                        {
                            "area": ref_area,
                            "year": year,
                            "breakdown": breakdown,
                            "value": value,
                            "line": line,
                            "earlier": earlier.value,
                            "earlier_line": earlier.line,
                        },
                    )
                )
            # an identical duplicate is kept once
    except csv.Error as exc:
        problems.append(_not_csv(previous_end + 1, exc))

    if rows_of_series == 0 and not problems:
        problems.append(
            Problem(
                None,
                gettext_noop(
                    "no observations of series %(series)s (%(skipped)s row(s) of other series "
                    "skipped)"
                )
                if skipped
                else gettext_noop("no observations of series %(series)s"),
                {"series": series, "skipped": skipped},
            )
        )

    return ReadResult(
        observations=tuple(observations),
        skipped_other_series=skipped,
        problems=tuple(problems),
        skipped_missing=skipped_missing,
        layout="sdmx-csv",
    )


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportRow:
    """One observation to export.

    ``value`` is an int (a category, or a count) or an exact Decimal/Fraction (a percentage).
    ``unit_measure`` and ``nature`` default to the series' values in :data:`SERIES_DEFAULTS`.
    """

    series: str
    ref_area: str | int
    year: int
    breakdown: str
    value: int | Decimal | Fraction
    reporting_type: str = DEFAULT_REPORTING_TYPE
    unit_measure: str | None = None
    unit_mult: str = DEFAULT_UNIT_MULT
    nature: str | None = None


def _scaled_half_up(value: Fraction, places: int) -> int:
    """round(value * 10**places), halves away from zero, in exact integer arithmetic."""
    numerator = abs(value.numerator) * 10**places
    quotient, remainder = divmod(numerator, value.denominator)
    if 2 * remainder >= value.denominator:
        quotient += 1
    return -quotient if value < 0 else quotient


def format_obs_value(value: int | Decimal | Fraction) -> str:
    """The OBS_VALUE text: an int as is ("3"); a Decimal or Fraction with exactly four
    decimals, rounded half up ("66.6667"). Floats are refused: they are not exact."""
    if isinstance(value, bool):
        raise TypeError("OBS_VALUE cannot be a bool")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"OBS_VALUE must be finite, not {value}")
        exact = Fraction(value)
    elif isinstance(value, Fraction):
        exact = value
    else:
        raise TypeError(
            f"OBS_VALUE must be an int, Decimal or Fraction, not {type(value).__name__}"
        )
    scaled = _scaled_half_up(exact, 4)
    sign = "-" if scaled < 0 else ""
    whole, decimals = divmod(abs(scaled), 10_000)
    return f"{sign}{whole}.{decimals:04d}"


def _ref_area_number(ref_area: str | int) -> int:
    if isinstance(ref_area, bool):
        raise ValueError(f"REF_AREA must be an M49 code, not {ref_area!r}")
    if isinstance(ref_area, int):
        number = ref_area
    else:
        code = _code(ref_area)
        if not _REF_AREA_RE.fullmatch(code):
            raise ValueError(f"REF_AREA must be an M49 numeric code, not {ref_area!r}")
        number = int(code)
    if not 0 <= number <= 999:
        raise ValueError(f"REF_AREA must be an M49 numeric code, not {ref_area!r}")
    return number


def _sort_key(row: ExportRow) -> tuple[str, int, int, int]:
    return (row.series, _ref_area_number(row.ref_area), row.year, _BREAKDOWN_ORDER[row.breakdown])


def write_sdmx_csv(
    rows: Iterable[ExportRow], out: TextIO, *, dataflow_version: str = DEFAULT_DATAFLOW_VERSION
) -> int:
    """Write ``rows`` to ``out`` as SDMX-CSV 1.0 (dataflow DF_SDG_GLH of ``dataflow_version``), sorted by series,
    REF_AREA (numerically), year and breakdown (_T first, then PD_1 to PD_6). Returns the number
    of rows written (the header not counted). Raises ValueError on an unknown breakdown or
    REF_AREA, or a series without known units when a row leaves them unset."""
    prepared: list[ExportRow] = []
    for row in rows:
        if row.breakdown not in _BREAKDOWN_ORDER:
            raise ValueError(f"unknown breakdown {row.breakdown!r} (expected _T or PD_1 to PD_6)")
        _ref_area_number(row.ref_area)
        if (row.unit_measure is None or row.nature is None) and row.series not in SERIES_DEFAULTS:
            raise ValueError(f"no default UNIT_MEASURE/NATURE for series {row.series!r}")
        prepared.append(row)
    prepared.sort(key=_sort_key)

    dataflow = dataflow_id(dataflow_version)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_HEADER)
    for row in prepared:
        default_unit, default_nature = SERIES_DEFAULTS.get(row.series, ("", ""))
        key = {dimension: "_T" for dimension in SDG_DIMENSIONS}
        key.update(
            FREQ="A",
            REPORTING_TYPE=row.reporting_type,
            SERIES=row.series,
            REF_AREA=str(_ref_area_number(row.ref_area)),
            COMPOSITE_BREAKDOWN=row.breakdown,
        )
        writer.writerow(
            [dataflow]
            + [key[dimension] for dimension in SDG_DIMENSIONS]
            + [
                str(row.year),
                format_obs_value(row.value),
                OBS_STATUS_NORMAL,
                row.unit_mult,
                row.unit_measure if row.unit_measure is not None else default_unit,
                row.nature if row.nature is not None else default_nature,
            ]
        )
    return len(prepared)
