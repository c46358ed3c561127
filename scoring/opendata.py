"""Open-data files of 10.7.2 results: pure writers (data in, CSV text out), no database.

* :func:`write_countries_csv`: one row per country, round and breakdown (overall or a policy
  domain): M49, ISO3, name, round, reference year, breakdown code and label, category code and
  label, source.
* :func:`write_aggregates_csv`: one row per region (or grouping) and breakdown: respondents, and
  the count and share (per cent) of each of the four categories, and of "meets or fully meets".
* :func:`write_open_sdg_csv`: the layout Open SDG national reporting platforms read
  (``Year, Series, Units, Policy domain, Value``; the total row has a blank policy domain); for a
  whole round, with ``Country`` and ``GeoCode`` (M49, what Open SDG matches to its map) columns.

Every file is UTF-8 with one header row and one row per observation; the CSV dialect is the
standard one (comma, double quotes when needed, ``\\n`` line ends). Labels are the official
English ones: a data file reads the same whatever the language of the page it came from.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import TextIO

from scoring import engine
from scoring.sdmx import BREAKDOWNS, MIGRS, format_obs_value

OVERALL = engine.BREAKDOWN_TOTAL
CATEGORY_CODES = (1, 2, 3, 4)
CATEGORY_SLUGS = {
    1: "requires_further_progress",
    2: "partially_meets",
    3: "meets",
    4: "fully_meets",
}

COUNTRIES_HEADER = (
    "m49",
    "iso3",
    "country",
    "round",
    "year",
    "breakdown",
    "breakdown_label",
    "category",
    "category_label",
    "source",
)
AGGREGATES_HEADER = (
    "region_m49",
    "region",
    "grouping",
    "round",
    "year",
    "breakdown",
    "breakdown_label",
    "respondents",
    *(
        column
        for code in CATEGORY_CODES
        for column in (f"count_{CATEGORY_SLUGS[code]}", f"percent_{CATEGORY_SLUGS[code]}")
    ),
    "count_meets_or_fully_meets",
    "percent_meets_or_fully_meets",
)
OPEN_SDG_HEADER = ("Year", "Series", "Units", "Policy domain", "Value")
OPEN_SDG_GEO_HEADER = ("Year", "Series", "Units", "Country", "GeoCode", "Policy domain", "Value")
OPEN_SDG_UNITS = "Category (1 = Requires further progress, 4 = Fully meets)"


@dataclass(frozen=True)
class CountryObservation:
    m49: str
    iso3: str
    country: str
    round: str
    year: int
    breakdown: str
    breakdown_label: str
    category: int
    category_label: str
    source: str


@dataclass(frozen=True)
class RegionMeasure:
    region_m49: str
    region: str
    grouping: str
    round: str
    year: int
    breakdown: str
    breakdown_label: str
    counts: tuple[int, int, int, int]


def _order(breakdown: str) -> int:
    return BREAKDOWNS.index(breakdown)


def _writer(out: TextIO):
    return csv.writer(out, lineterminator="\n")


def write_countries_csv(observations: Iterable[CountryObservation], out: TextIO) -> int:
    """Rows sorted by country name, year and breakdown (overall first). Returns the row count."""
    rows = sorted(observations, key=lambda o: (o.country, o.m49, o.year, _order(o.breakdown)))
    writer = _writer(out)
    writer.writerow(COUNTRIES_HEADER)
    for o in rows:
        writer.writerow(
            [
                o.m49,
                o.iso3,
                o.country,
                o.round,
                o.year,
                o.breakdown,
                o.breakdown_label,
                o.category,
                o.category_label,
                o.source,
            ]
        )
    return len(rows)


def _percent(count: int, total: int) -> str:
    return format_obs_value(Fraction(count * 100, total)) if total else ""


def write_aggregates_csv(measures: Iterable[RegionMeasure], out: TextIO) -> int:
    """Rows in the order given (the regions' publication order); shares are per cent of the
    respondents with four decimals, empty where a region has no respondent."""
    writer = _writer(out)
    writer.writerow(AGGREGATES_HEADER)
    count = 0
    for m in measures:
        respondents = sum(m.counts)
        meeting = m.counts[2] + m.counts[3]
        writer.writerow(
            [
                m.region_m49,
                m.region,
                m.grouping,
                m.round,
                m.year,
                m.breakdown,
                m.breakdown_label,
                respondents,
                *(cell for n in m.counts for cell in (n, _percent(n, respondents))),
                meeting,
                _percent(meeting, respondents),
            ]
        )
        count += 1
    return count


def write_open_sdg_csv(
    observations: Iterable[CountryObservation], out: TextIO, *, with_geo: bool = False
) -> int:
    """One row per year and breakdown; the overall category with a blank policy domain (Open
    SDG's headline). ``with_geo`` adds Country and GeoCode, for the rows of many countries."""
    rows = sorted(
        observations,
        key=lambda o: (o.year, o.country if with_geo else "", _order(o.breakdown)),
    )
    writer = _writer(out)
    writer.writerow(OPEN_SDG_GEO_HEADER if with_geo else OPEN_SDG_HEADER)
    for o in rows:
        domain = "" if o.breakdown == OVERALL else o.breakdown_label
        geo = [o.country, o.m49] if with_geo else []
        writer.writerow([o.year, MIGRS, OPEN_SDG_UNITS, *geo, domain, o.category])
    return len(rows)
