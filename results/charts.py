"""The data behind the public pages' charts and map, built on the server so that they are tested.

Plain functions: results in, JSON-ready dicts out. Labels and numbers are written in the active
language here (``62,3 %`` in French), so the browser only draws what it is given. Shares are also
given as plain numbers (percentages rounded to one decimal) for the charts' geometry.
"""

from fractions import Fraction

from django.utils.translation import gettext as _

from geography.models import Region
from policyindex.templatetags.localized_numbers import localized_number, percent
from scoring.engine import score_display
from scoring.models.choices import OVERALL, Category
from scoring.selectors import CountryResult, RoundAggregates
from scoring.tables import NumberFormat

from .colours import CATEGORY_COLOURS, CATEGORY_TEXT_COLOURS

CATEGORIES = (1, 2, 3, 4)

# One colour per category, the same on every page, chart, map and workbook: a diverging red-blue
# scale (colour-blind safe) whose lightness rises towards the middle, so the order reads in grey too.
# Text written on them: white on the dark ends (6.9:1 and 5.9:1), near-black on the light middle
# (7.8:1 and 8.3:1). Chart segments and map shapes get a dark outline (1.4.11: 3:1 boundaries).
NO_RESULT_COLOUR = "#d9d9d9"
NOT_COVERED_COLOUR = "#f8f9fa"
OUTLINE_COLOUR = "#495057"


def category_legend() -> list[dict]:
    """The four categories in order, with their label in the active language and colours."""
    return [
        {
            "category": value,
            "label": str(Category(value).label),
            "colour": CATEGORY_COLOURS[value],
            "text_colour": CATEGORY_TEXT_COLOURS[value],
        }
        for value in CATEGORIES
    ]


def _rounded_percent(share: Fraction | None) -> float | None:
    """A share as a percentage rounded half up to one decimal (the display rule), for geometry."""
    return None if share is None else float(score_display(share * 100, 1))


def distribution_by_region(
    aggregates: RoundAggregates,
    breakdown: str = OVERALL,
    *,
    kinds=(Region.Kind.WORLD, Region.Kind.SDG),
    numbers: NumberFormat | None = None,
    legend: list[dict] | None = None,
) -> dict:
    """The category distribution of the responding countries for one measure (overall or a domain),
    per region: World then the SDG regions. Per region: its name, the countries responding, and per
    category the count, the share (a number for the chart) and the share written for people.

    ``numbers`` and ``legend``, when given, are the active language's number format and
    ``category_legend()``, read once for a page of seven charts."""
    numbers = numbers or NumberFormat.active()
    regions = [a for a in aggregates.regions if a.region.kind in kinds]
    rows = []
    for aggregate in regions:
        measure = aggregate.measure(breakdown)
        counts = list(measure.counts)
        # Each share computed and written once: the chart, its table and the text all use it.
        shares = [measure.share(c) for c in CATEGORIES]
        shares_text = [numbers.percent(share) for share in shares]
        rows.append(
            {
                "m49": aggregate.region.m49,
                "kind": aggregate.region.kind,
                "name": aggregate.region.display_name,
                "responding": sum(counts),
                "counts": counts,
                "shares": [_rounded_percent(share) for share in shares],
                "shares_text": shares_text,
                "meeting_text": numbers.percent(measure.share_meeting),
                "cells": [
                    {"count": count, "share_text": text}
                    for count, text in zip(counts, shares_text, strict=True)
                ],
            }
        )
    return {
        "breakdown": breakdown,
        "categories": legend if legend is not None else category_legend(),
        "regions": rows,
        "percent_sign": numbers.percent_sign,
    }


def coverage_by_region(
    aggregates: RoundAggregates, *, kinds=(Region.Kind.WORLD, Region.Kind.SDG)
) -> list[dict]:
    """Per region, the countries with a result out of those invited to answer (every country of the
    region), as the UN's metadata tables present the coverage."""
    rows = []
    for aggregate in aggregates.regions:
        if aggregate.region.kind not in kinds:
            continue
        responding = aggregate.measure(OVERALL).responding
        share = Fraction(responding, aggregate.invited) if aggregate.invited else None
        rows.append(
            {
                "region": aggregate.region,
                "responding": responding,
                "invited": aggregate.invited,
                "share": share,
                "share_text": percent(share, 1),
            }
        )
    return rows


def map_data(results: dict[int, CountryResult], countries) -> dict:
    """The world map's data: each country by its M49 code (the ids of the vendored geometry) with
    its name in the active language and its overall category (None: no result in this round)."""
    labels = {value: str(Category(value).label) for value in CATEGORIES}
    areas = {}
    for country in countries:
        result = results.get(country.pk)
        category = result.overall if result is not None else None
        areas[country.m49] = {
            "name": country.display_name,
            "iso3": country.iso3,
            "category": category,
            "label": labels[category] if category else _("No result"),
        }
    return {
        "areas": areas,
        "categories": category_legend(),
        "no_result": {"label": _("No result in this round"), "colour": NO_RESULT_COLOUR},
        "not_covered": {
            "label": _("Not among the 197 countries of the indicator"),
            "colour": NOT_COVERED_COLOUR,
        },
        "outline": OUTLINE_COLOUR,
    }


def country_history_chart(history: list[dict], measures: list[tuple[str, str]]) -> dict:
    """One country's category per measure (overall and the six domains) in each round, for a grouped
    bar chart whose bar heights are the category (1-4). ``history``: one entry per round with
    ``name`` and ``categories`` (breakdown to category)."""
    return {
        "measures": [label for _code, label in measures],
        "categories": category_legend(),
        "rounds": [
            {
                "name": entry["name"],
                "values": [entry["categories"].get(code) for code, _label in measures],
            }
            for entry in history
        ],
    }


def headline(aggregates: RoundAggregates) -> dict:
    """The world's share of responding countries meeting or fully meeting, and its counts."""
    overall = aggregates.world.measure(OVERALL)
    return {
        "share": overall.share_meeting,
        "share_text": percent(overall.share_meeting, 1),
        "meeting": overall.meeting,
        "responding": overall.responding,
        "invited": aggregates.world.invited,
        "responding_text": localized_number(overall.responding),
    }
