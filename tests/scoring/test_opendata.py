"""The open-data writers (scoring.opendata), read back: plain CSV, aggregates CSV, Open SDG CSV."""

import csv
import io

from scoring.opendata import (
    AGGREGATES_HEADER,
    COUNTRIES_HEADER,
    CountryObservation,
    RegionMeasure,
    write_aggregates_csv,
    write_countries_csv,
    write_open_sdg_csv,
)


def observation(country="Albania", m49="008", iso3="ALB", year=2021, breakdown="_T", category=3):
    return CountryObservation(
        m49=m49,
        iso3=iso3,
        country=country,
        round="Thirteenth Inquiry",
        year=year,
        breakdown=breakdown,
        breakdown_label="Overall" if breakdown == "_T" else "Migrant rights",
        category=category,
        category_label={2: "Partially meets", 3: "Meets", 4: "Fully meets"}[category],
        source="published by the UN, imported",
    )


def written(write, items, **kwargs):
    out = io.StringIO()
    count = write(items, out, **kwargs)
    return count, out.getvalue()


def test_the_countries_csv_has_one_header_and_one_row_per_observation():
    count, text = written(
        write_countries_csv,
        [
            observation(breakdown="PD_1", category=4),
            observation("Côte d'Ivoire", "384", "CIV", category=2),
            observation(),
        ],
    )

    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(COUNTRIES_HEADER)
    assert count == 3 and len(rows) == 4
    assert rows[1:] == [
        [
            "008",
            "ALB",
            "Albania",
            "Thirteenth Inquiry",
            "2021",
            "_T",
            "Overall",
            "3",
            "Meets",
            "published by the UN, imported",
        ],
        [
            "008",
            "ALB",
            "Albania",
            "Thirteenth Inquiry",
            "2021",
            "PD_1",
            "Migrant rights",
            "4",
            "Fully meets",
            "published by the UN, imported",
        ],
        [
            "384",
            "CIV",
            "Côte d'Ivoire",
            "Thirteenth Inquiry",
            "2021",
            "_T",
            "Overall",
            "2",
            "Partially meets",
            "published by the UN, imported",
        ],
    ]
    assert "\r" not in text


def test_the_aggregates_csv_gives_counts_and_shares_of_every_category():
    measures = [
        RegionMeasure(
            "1", "World", "World", "Thirteenth Inquiry", 2021, "_T", "Overall", (10, 42, 50, 36)
        ),
        RegionMeasure(
            "722",
            "Small Island Developing States",
            "UN grouping",
            "Thirteenth Inquiry",
            2021,
            "PD_1",
            "Migrant rights",
            (0, 0, 0, 0),
        ),
    ]
    count, text = written(write_aggregates_csv, measures)

    rows = list(csv.DictReader(io.StringIO(text)))
    assert count == 2 and list(rows[0]) == list(AGGREGATES_HEADER)
    world = rows[0]
    assert world["respondents"] == "138"
    assert [
        world[f"count_{c}"]
        for c in ("requires_further_progress", "partially_meets", "meets", "fully_meets")
    ] == ["10", "42", "50", "36"]
    assert world["percent_partially_meets"] == "30.4348"
    assert (world["count_meets_or_fully_meets"], world["percent_meets_or_fully_meets"]) == (
        "86",
        "62.3188",
    )
    empty = rows[1]
    assert empty["respondents"] == "0" and empty["percent_meets"] == ""


def test_the_open_sdg_csv_of_a_country_has_the_total_with_a_blank_policy_domain():
    count, text = written(
        write_open_sdg_csv,
        [
            observation(year=2021, breakdown="PD_1", category=4),
            observation(year=2021),
            observation(year=2019, category=2),
        ],
    )

    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["Year", "Series", "Units", "Policy domain", "Value"],
        ["2019", "SG_CPA_MIGRS", rows[1][2], "", "2"],
        ["2021", "SG_CPA_MIGRS", rows[1][2], "", "3"],
        ["2021", "SG_CPA_MIGRS", rows[1][2], "Migrant rights", "4"],
    ]
    assert rows[1][2].startswith("Category")
    assert count == 3


def test_the_open_sdg_csv_of_a_round_adds_the_country_and_its_geocode():
    _, text = written(
        write_open_sdg_csv,
        [observation("Kenya", "404", "KEN", category=4), observation()],
        with_geo=True,
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "Year",
        "Series",
        "Units",
        "Country",
        "GeoCode",
        "Policy domain",
        "Value",
    ]
    assert [(r["Country"], r["GeoCode"], r["Value"]) for r in rows] == [
        ("Albania", "008", "3"),
        ("Kenya", "404", "4"),
    ]
