"""The files the UN hands out with the 10.7.2 country categories, read into one shape.

:func:`read_published_file` finds the layout (the only place that does) and reads the country
series ``SG_CPA_MIGRS`` into :class:`scoring.sdmx.Observation` objects:

* ``sdmx-csv``: SDMX-CSV 1.0 or 2.0 of the IAEG-SDGs SDG structure (data.un.org downloads and the
  UN SDG API's SDMX output), read by :func:`scoring.sdmx.read_sdmx_csv`;
* ``sdg-api-csv``: the SDG Global Database / SDG API CSV (``/v1/sdg/Series/DataCSV``, the
  "Download" of unstats.un.org/sdgs/dataportal): ``Goal, Target, Indicator, SeriesCode, ...,
  GeoAreaCode, GeoAreaName, TimePeriod, Value, ..., [Nature], [Policy Domains], [Reporting Type],
  [Units]``, the policy domain written ``ALLDOMAINS`` or ``DOMAIN1`` to ``DOMAIN6``;
* ``sdg-api-json``: the SDG API's JSON answer (``/v1/sdg/Series/Data?seriesCode=SG_CPA_MIGRS``):
  ``{"data": [{"series", "geoAreaCode", "timePeriodStart", "value", "dimensions": {...},
  "attributes": {...}}]}``.

Rows with no value (``N``, ``NaN``, empty: territories the UN lists without data) are skipped and
counted in ``skipped_missing``; rows of other series in ``skipped_other_series``. Whether an area
is one of the countries is for the caller (regions and territories are skipped there). Every other
fault is a :class:`scoring.sdmx.Problem` with its line (CSV) or record number (JSON).
"""

from __future__ import annotations

import csv
import io
import json
import re

from django.utils.translation import gettext as _

from scoring import engine, sdmx

SDMX_CSV = "sdmx-csv"
SDG_API_CSV = "sdg-api-csv"
SDG_API_JSON = "sdg-api-json"

#: The SDG API's policy-domain codes of SG_CPA_MIGRS and the SDMX breakdowns they stand for.
POLICY_DOMAINS = {
    "ALLDOMAINS": engine.BREAKDOWN_TOTAL,
    **{f"DOMAIN{n}": engine.domain_breakdown(n) for n in range(1, 7)},
}
_SDG_API_CSV_REQUIRED = ("SeriesCode", "GeoAreaCode", "TimePeriod", "Value")
_YEAR = re.compile(r"(\d{4})(?:\.0+)?")


def layout_names() -> dict[str, str]:
    return {
        SDMX_CSV: _("SDMX-CSV of the SDG data structure (data.un.org)"),
        SDG_API_CSV: _("SDG Global Database CSV (SDG API DataCSV)"),
        SDG_API_JSON: _("SDG API JSON (Series/Data)"),
    }


def unknown_layout_message() -> str:
    return _(
        "The file is in none of the layouts accepted: SDMX-CSV of the SDG data structure "
        "(data.un.org, dataflow IAEG-SDGs:DF_SDG_GLH, series SG_CPA_MIGRS), the SDG Global "
        "Database CSV (unstats.un.org/sdgs/dataportal, or the SDG API "
        "/v1/sdg/Series/DataCSV with seriesCodes=SG_CPA_MIGRS) or the SDG API JSON "
        "(/v1/sdg/Series/Data?seriesCode=SG_CPA_MIGRS). Download the series SG_CPA_MIGRS in one "
        "of them and send that file unchanged."
    )


def _header_names(text: str) -> list[str]:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = sdmx._delimiter(first_line)
    try:
        names = next(csv.reader([first_line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return []
    return [sdmx._header_id(name) for name in names]


def detect_layout(text: str) -> str | None:
    """The layout of a decoded file, or None when it is none of those accepted."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        return SDG_API_JSON
    names = set(_header_names(text))
    if {"DATAFLOW", "STRUCTURE"} & names or set(sdmx.REQUIRED_COLUMNS) <= names:
        return SDMX_CSV
    if set(_SDG_API_CSV_REQUIRED) <= names:
        return SDG_API_CSV
    return None


def read_published_file(data: bytes | str, *, series: str = sdmx.MIGRS) -> sdmx.ReadResult:
    text, problem = sdmx._decode(data)
    if problem is not None:
        return sdmx.ReadResult(problems=(problem,))
    assert text is not None
    if not text.strip():
        return sdmx.ReadResult(problems=(sdmx.Problem(None, _("the file is empty")),))
    layout = detect_layout(text)
    if layout == SDMX_CSV:
        return sdmx.read_sdmx_csv(text, series=series)
    if layout == SDG_API_CSV:
        return _read_rows(_sdg_api_csv_rows(text), series=series, layout=SDG_API_CSV)
    if layout == SDG_API_JSON:
        try:
            records = _sdg_api_json_rows(text)
        except ValueError as error:
            return sdmx.ReadResult(problems=(sdmx.Problem(None, str(error)),))
        return _read_rows(records, series=series, layout=SDG_API_JSON)
    return sdmx.ReadResult(problems=(sdmx.Problem(None, unknown_layout_message()),))


# A row of either SDG API layout, before validation: (line or None, record number or None,
# series, area, year, policy domain, value).
_Row = tuple[int | None, int | None, str, str, str, str, str]


def _sdg_api_csv_rows(text: str):
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sdmx._delimiter(first_line))
    try:
        header = [name.strip().lstrip("\ufeff") for name in next(reader)]
    except csv.Error as error:
        raise _CsvError(1, str(error)) from error
    column = {name: index for index, name in enumerate(header)}
    previous_end = reader.line_num

    def cell(record, name):
        index = column.get(name)
        return record[index].strip() if index is not None and index < len(record) else ""

    try:
        for record in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if not any(c.strip() for c in record):
                continue
            domain = cell(record, "[Policy Domains]") if "[Policy Domains]" in column else ""
            yield (
                line,
                None,
                cell(record, "SeriesCode"),
                cell(record, "GeoAreaCode"),
                cell(record, "TimePeriod"),
                domain or "ALLDOMAINS",
                cell(record, "Value"),
            )
    except csv.Error as error:
        raise _CsvError(previous_end + 1, str(error)) from error


class _CsvError(Exception):
    def __init__(self, line, message):
        super().__init__(message)
        self.line = line


def _sdg_api_json_rows(text: str) -> list[_Row]:
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            _("the file is not valid JSON (line %(line)s: %(error)s)")
            % {"line": error.lineno, "error": error.msg}
        ) from error
    except RecursionError as error:
        # Nesting deeper than any SDG API answer: refused, never a crash.
        raise ValueError(_("the file is not valid JSON (nested too deeply)")) from error
    pages = answer if isinstance(answer, list) else [answer]
    records = []
    for page in pages:
        if isinstance(page, dict) and "data" in page:
            data = page["data"]
        elif isinstance(page, dict) and "series" in page:
            data = [page]
        else:
            raise ValueError(_('the JSON has no "data" list of the SDG API'))
        if not isinstance(data, list):
            raise ValueError(_('the JSON has no "data" list of the SDG API'))
        records.extend(data)
    rows = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            rows.append((None, number, "", "", "", "", "?"))
            continue
        dimensions = record.get("dimensions") or {}
        domain = (
            dimensions.get("Policy Domains", "ALLDOMAINS") if isinstance(dimensions, dict) else ""
        )
        value = record.get("value")
        rows.append(
            (
                None,
                number,
                str(record.get("series") or ""),
                str(record.get("geoAreaCode") or ""),
                str(record.get("timePeriodStart") or record.get("timePeriod") or ""),
                str(domain or ""),
                "" if value is None else str(value),
            )
        )
    return rows


def _where(line, number) -> tuple[int | None, str]:
    if line is not None:
        return line, ""
    return None, _("record %(number)s: ") % {"number": number}


def _read_rows(rows, *, series: str, layout: str) -> sdmx.ReadResult:
    observations: list[sdmx.Observation] = []
    problems: list[sdmx.Problem] = []
    seen: dict[tuple[str, int, str], sdmx.Observation] = {}
    skipped_other = skipped_missing = rows_of_series = 0
    try:
        for line, number, series_code, area, period, domain, value_raw in rows:
            if series_code and series_code != series:
                skipped_other += 1
                continue
            rows_of_series += 1
            if sdmx.is_missing_value(value_raw):
                skipped_missing += 1
                continue
            at, prefix = _where(line, number)
            faults = []
            if not series_code:
                faults.append(_("the series is empty"))
            ref_area = area.zfill(3) if re.fullmatch(r"\d{1,3}", area) else None
            if ref_area is None:
                faults.append(_("area %(area)r is not an M49 numeric code") % {"area": area})
            year_match = _YEAR.fullmatch(period)
            if year_match is None:
                faults.append(_("time period %(period)r is not a year") % {"period": period})
            breakdown = POLICY_DOMAINS.get(domain)
            if breakdown is None:
                faults.append(
                    _(
                        "unknown policy domain %(domain)r (expected ALLDOMAINS or DOMAIN1 to DOMAIN6)"
                    )
                    % {"domain": domain}
                )
            category = sdmx._parse_category(value_raw)
            if category is None:
                faults.append(
                    _("value %(value)r is not a category 1, 2, 3 or 4") % {"value": value_raw}
                )
            if faults:
                problems.extend(sdmx.Problem(at, prefix + fault) for fault in faults)
                continue
            observation = sdmx.Observation(
                line=line if line is not None else number,
                ref_area=ref_area,
                year=int(year_match.group(1)),
                breakdown=breakdown,
                value=category,
            )
            key = (observation.ref_area, observation.year, observation.breakdown)
            earlier = seen.get(key)
            if earlier is None:
                seen[key] = observation
                observations.append(observation)
            elif earlier.value != observation.value:
                problems.append(
                    sdmx.Problem(
                        at,
                        prefix
                        + _(
                            "conflicting values for area %(area)s, %(year)s, %(breakdown)s: "
                            "%(value)s here but %(earlier)s earlier"
                        )
                        % {
                            "area": observation.ref_area,
                            "year": observation.year,
                            "breakdown": observation.breakdown,
                            "value": observation.value,
                            "earlier": earlier.value,
                        },
                    )
                )
    except _CsvError as error:
        problems.append(
            sdmx.Problem(error.line, _("the file is not valid CSV: %(error)s") % {"error": error})
        )
    if rows_of_series == 0 and not problems:
        problems.append(
            sdmx.Problem(None, _("no observations of series %(series)s") % {"series": series})
        )
    return sdmx.ReadResult(
        observations=tuple(observations),
        skipped_other_series=skipped_other,
        skipped_missing=skipped_missing,
        problems=tuple(problems),
        layout=layout,
    )
