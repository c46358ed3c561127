"""The JSON behind the public charts and map, from known results."""

from fractions import Fraction

import pytest
from django.utils import translation

from geography.models import Country, Region
from results import charts
from scoring.models.choices import BREAKDOWNS
from scoring.selectors import (
    CountryResult,
    MeasureAggregate,
    RegionAggregate,
    RoundAggregates,
)


def region(pk, kind, m49, name, name_fr=""):
    return Region(pk=pk, kind=kind, m49=m49, name=name, name_fr=name_fr)


def aggregate(r, overall_counts, invited, domain_counts=None):
    measures = {b: MeasureAggregate() for b in BREAKDOWNS}
    measures["_T"] = MeasureAggregate(list(overall_counts))
    if domain_counts:
        measures["PD_1"] = MeasureAggregate(list(domain_counts))
    return RegionAggregate(region=r, measures=measures, invited=invited)


@pytest.fixture
def aggregates():
    world = region(1, Region.Kind.WORLD, "001", "World", "Monde")
    africa = region(2, Region.Kind.SDG, "202", "Sub-Saharan Africa", "Afrique subsaharienne")
    subregion = region(3, Region.Kind.M49_SUBREGION, "014", "Eastern Africa")
    return RoundAggregates(
        round=None,
        rounds=[],
        results={},
        regions=[
            aggregate(world, [6, 46, 78, 8], 197, domain_counts=[1, 1, 1, 1]),
            aggregate(africa, [2, 13, 20, 2], 48),
            aggregate(subregion, [0, 0, 0, 0], 18),
        ],
    )


def test_the_distribution_gives_counts_and_shares_of_all_four_categories_per_region(aggregates):
    data = charts.distribution_by_region(aggregates)

    assert [r["name"] for r in data["regions"]] == ["World", "Sub-Saharan Africa"]
    world = data["regions"][0]
    assert world["responding"] == 138
    assert world["counts"] == [6, 46, 78, 8]
    assert world["shares"] == [4.3, 33.3, 56.5, 5.8]
    assert world["meeting_text"] == "62.3%"
    assert [c["category"] for c in data["categories"]] == [1, 2, 3, 4]
    assert data["categories"][3]["colour"] == charts.CATEGORY_COLOURS[4]


def test_a_domain_distribution_reads_that_domain(aggregates):
    data = charts.distribution_by_region(aggregates, "PD_1")

    assert data["breakdown"] == "PD_1"
    assert data["regions"][0]["shares"] == [25.0, 25.0, 25.0, 25.0]
    # No respondent for the domain in the region: no share, written as a dash.
    assert data["regions"][1]["shares"] == [None, None, None, None]
    assert data["regions"][1]["shares_text"] == ["—"] * 4


def test_labels_and_numbers_are_in_the_active_language(aggregates):
    with translation.override("fr"):
        data = charts.distribution_by_region(aggregates)

    world = data["regions"][0]
    assert world["name"] == "Monde"
    assert world["meeting_text"].startswith("62,3") and world["meeting_text"].endswith("%")
    assert data["categories"][3]["label"] == "Satisfait pleinement"


def test_coverage_is_responding_out_of_invited(aggregates):
    rows = charts.coverage_by_region(aggregates)

    assert [(r["region"].m49, r["responding"], r["invited"]) for r in rows] == [
        ("001", 138, 197),
        ("202", 37, 48),
    ]
    assert rows[0]["share"] == Fraction(138, 197)
    assert rows[0]["share_text"] == "70.1%"


def test_the_headline_is_the_world_share_meeting_or_fully_meeting(aggregates):
    headline = charts.headline(aggregates)

    assert (headline["meeting"], headline["responding"], headline["invited"]) == (86, 138, 197)
    assert headline["share_text"] == "62.3%"


def test_the_map_gives_each_country_its_overall_category_by_m49_code():
    kenya = Country(pk=1, m49="404", iso3="KEN", name="Kenya", name_fr="Kenya")
    chad = Country(pk=2, m49="148", iso3="TCD", name="Chad", name_fr="Tchad")
    results = {1: CountryResult(country_id=1, round_id=9, source="computed", categories={"_T": 3})}

    with translation.override("fr"):
        data = charts.map_data(results, [kenya, chad])

    assert data["areas"]["404"] == {
        "name": "Kenya",
        "iso3": "KEN",
        "category": 3,
        "label": data["categories"][2]["label"],
    }
    assert data["areas"]["148"]["category"] is None
    assert data["areas"]["148"]["name"] == "Tchad"


def test_a_country_chart_gives_the_category_of_each_measure():
    measures = [("_T", "Overall"), ("PD_1", "1. Migrant rights")]

    data = charts.country_history_chart([{"name": "Round 2021", "categories": {"_T": 4}}], measures)

    assert data["measures"] == ["Overall", "1. Migrant rights"]
    assert data["rounds"] == [{"name": "Round 2021", "values": [4, None]}]


def test_text_on_category_colours_reaches_the_aa_contrast_ratio():
    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for category, background in charts.CATEGORY_COLOURS.items():
        text = charts.CATEGORY_TEXT_COLOURS[category]
        lighter, darker = sorted([luminance(background), luminance(text)], reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, category
