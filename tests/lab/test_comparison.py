"""The comparison worked out in memory: the transition matrix, the aggregates and the robustness
runs, against hand computations on tiny rounds."""

import dataclasses
from fractions import Fraction

from lab.comparison import CountryAnswers, RegionInfo, RoundData, compare
from lab.rules import methodology_of, official_rules
from scoring import engine

ALL_YES = {
    code: ("yes_all" if code.startswith("1") else "yes") for code in engine.OFFICIAL.item_codes
}
WORLD = RegionInfo(1, "World", "world", "001")
AFRICA = RegionInfo(2, "Sub-Saharan Africa", "sdg", "202")
EUROPE = RegionInfo(3, "Europe and Northern America", "sdg", "513")


def tiny_round(*countries) -> RoundData:
    return RoundData(
        round_code="tiny",
        round_name="Tiny",
        countries=tuple(countries),
        not_rescored=("Atlantis",),
        regions=(WORLD, AFRICA, EUROPE),
    )


def country(pk, answers, region):
    return CountryAnswers(pk, f"Country {pk}", f"C{pk:02d}", answers, (WORLD.pk, region.pk))


def only_fully_meets():
    rules = official_rules()
    rules["aggregate"] = [4]
    return methodology_of(rules, version="variant:1")


def test_leaving_each_item_out_gives_thirty_runs_whose_range_is_worked_out_by_hand():
    # Country 1 answers "no" to 2a only (Meets at 96.7); country 2 answers "yes" to everything.
    # Counting Fully meets only, the run without 2a has both countries fully meeting (share 1);
    # every other run leaves country 1 in Meets (share 1/2).
    data = tiny_round(
        country(1, {**ALL_YES, "2a": "no"}, AFRICA), country(2, dict(ALL_YES), EUROPE)
    )
    result = compare(data, only_fully_meets())
    robustness = result.robustness
    assert robustness.headline.runs == 30
    assert len(robustness.headline_by_item) == 30
    assert robustness.headline_by_item["2a"] == 1
    assert {v for k, v in robustness.headline_by_item.items() if k != "2a"} == {Fraction(1, 2)}
    assert (robustness.headline.low, robustness.headline.high) == (Fraction(1, 2), 1)
    regions = {region.name: value for region, value in robustness.regions}
    assert (regions["Sub-Saharan Africa"].low, regions["Sub-Saharan Africa"].high) == (0, 1)
    assert (
        regions["Europe and Northern America"].low,
        regions["Europe and Northern America"].high,
    ) == (1, 1)


def test_the_headline_transitions_and_aggregates_of_a_tiny_round():
    data = tiny_round(
        country(1, {**ALL_YES, "2a": "no"}, AFRICA), country(2, dict(ALL_YES), EUROPE)
    )
    result = compare(data, only_fully_meets())
    # Officially both meet or fully meet; counting Fully meets only, one of two.
    assert (result.official_headline.counted, result.official_headline.responding) == (2, 2)
    assert (result.variant_headline.counted, result.variant_headline.responding) == (1, 2)
    # Categories do not move (only the aggregate rule changed): the diagonal holds both.
    assert result.transitions[2][2] == 1 and result.transitions[3][3] == 1
    assert sum(map(sum, result.transitions)) == 2
    assert result.movers == 0
    rows = {row.region.name: row for row in result.aggregates}
    assert rows["World"].official_counts == (0, 0, 1, 1)
    assert rows["Sub-Saharan Africa"].official.value == 1
    assert rows["Sub-Saharan Africa"].variant.value == 0
    assert rows["Europe and Northern America"].variant.value == 1
    assert result.data.not_rescored == ("Atlantis",)


def test_a_lower_threshold_moves_a_country_up_and_the_matrix_counts_it():
    at_76_7 = {
        **ALL_YES,
        "1e": "yes_legal",
        **{c: "no" for c in ("2e", "4e", "5b", "5c", "5d", "5e")},
    }
    rules = official_rules()
    rules["values"]["1"]["yes_legal"] = "0"
    rules["thresholds"] = ["40", "75", "100"]
    result = compare(tiny_round(country(1, at_76_7, AFRICA)), methodology_of(rules))
    row = result.countries[0]
    assert row.official.score == Fraction(235, 3)
    assert row.variant.score == Fraction(230, 3)
    assert (row.official.overall, row.variant.overall, row.movement) == (2, 3, "up")
    assert result.transitions[1][2] == 1
    # The methodology value itself is untouched by the comparison.
    assert dataclasses.replace(engine.OFFICIAL).thresholds == engine.OFFICIAL.thresholds
