"""Downloads of published results: every format of a published round and of a country, and a 404
for anything else (unpublished round, unknown format, unknown country)."""

import csv
import io

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from review.services import rounds as round_services
from scoring.services.imports import import_published_results
from tests.factories import AnalystFactory, RoundFactory

PUBLISHED_2021 = "\n".join(
    [
        "DATAFLOW,SERIES,REF_AREA,TIME_PERIOD,COMPOSITE_BREAKDOWN,OBS_VALUE",
        "IAEG-SDGs:DF_SDG_GLH(1.24),SG_CPA_MIGRS,8,2021,_T,3",
        "IAEG-SDGs:DF_SDG_GLH(1.24),SG_CPA_MIGRS,8,2021,PD_1,2",
        "IAEG-SDGs:DF_SDG_GLH(1.24),SG_CPA_MIGRS,208,2021,_T,4",
        "IAEG-SDGs:DF_SDG_GLH(1.24),SG_CPA_MIGRS,404,2021,_T,1",
        "IAEG-SDGs:DF_SDG_GLH(1.24),SG_CPA_MIGRS,524,2021,_T,2",
        "IAEG-SDGs:DF_SDG_GLH(1.24),SG_CPA_MIGRS,8,2023,_T,1",
    ]
)


@pytest.fixture
def rounds(instrument, all_countries):
    published = RoundFactory(version=instrument, reference_year=2021, code="inquiry-13-2021")
    planned = RoundFactory(version=instrument, reference_year=2023, code="inquiry-14-2023")
    outcome = import_published_results(data=PUBLISHED_2021.encode(), file_name="un.csv")
    assert outcome.ok, outcome.problems
    round_services.round_close(round=published, by=None, reason="test")
    round_services.round_publish(round=published, by=None, reason="test")
    published.refresh_from_db()
    return published, planned


def download(client, fmt, round_code="inquiry-13-2021"):
    return client.get(reverse("results:download", args=[round_code, fmt]))


def rows_of(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def today():
    return timezone.localdate().isoformat()


def test_the_countries_csv_of_a_published_round_is_an_attachment_named_what_and_when(
    client, rounds
):
    response = download(client, "csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="10.7.2-2021-countries-{today()}.csv"'
    )
    rows = rows_of(response)
    assert [(r["iso3"], r["breakdown"], r["category"]) for r in rows] == [
        ("ALB", "_T", "3"),
        ("ALB", "PD_1", "2"),
        ("DNK", "_T", "4"),
        ("KEN", "_T", "1"),
        ("NPL", "_T", "2"),
    ]
    assert rows[1]["breakdown_label"] == "Migrant rights"
    assert rows[0]["category_label"] == "Meets" and rows[0]["year"] == "2021"


def test_the_aggregates_csv_counts_every_category_per_region(client, rounds):
    response = download(client, "aggregates-csv")

    assert response["Content-Disposition"].endswith(f'10.7.2-2021-aggregates-{today()}.csv"')
    world = next(r for r in rows_of(response) if r["region_m49"] == "1" and r["breakdown"] == "_T")
    assert world["respondents"] == "4"
    assert (world["count_requires_further_progress"], world["count_fully_meets"]) == ("1", "1")
    assert world["percent_meets_or_fully_meets"] == "50.0000"


@override_settings(SDMX_DATAFLOW_VERSION="1.24")
def test_the_sdmx_csv_holds_both_series_in_the_dataflow_version_of_the_settings(client, rounds):
    response = download(client, "sdmx-csv")

    assert response["Content-Type"].startswith("application/vnd.sdmx.data+csv")
    assert response["Content-Disposition"].endswith(f'10.7.2-2021-sdmx-{today()}.csv"')
    rows = rows_of(response)
    assert {r["SERIES"] for r in rows} == {"SG_CPA_MIGRS", "SG_CPA_MIGRP"}
    assert {r["DATAFLOW"] for r in rows} == {"IAEG-SDGs:DF_SDG_GLH(1.24)"}
    assert {r["OBS_STATUS"] for r in rows} == {"A"}


def test_the_open_sdg_csv_of_a_round_has_a_geocode_per_country(client, rounds):
    response = download(client, "open-sdg")

    rows = rows_of(response)
    assert {(r["GeoCode"], r["Policy domain"], r["Value"]) for r in rows} >= {
        ("008", "", "3"),
        ("008", "Migrant rights", "2"),
        ("208", "", "4"),
    }


def test_a_country_takes_its_published_rounds_as_csv_and_open_sdg(client, rounds):
    response = client.get(reverse("results:country-download", args=["alb", "open-sdg"]))

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'10.7.2-ALB-open-sdg-{today()}.csv"')
    # Only the published round: the 2023 value of the unpublished round stays out.
    assert [(r["Year"], r["Policy domain"], r["Value"]) for r in rows_of(response)] == [
        ("2021", "", "3"),
        ("2021", "Migrant rights", "2"),
    ]
    plain = client.get(reverse("results:country-download", args=["ALB", "csv"]))
    assert [r["year"] for r in rows_of(plain)] == ["2021", "2021"]
    assert plain["Content-Disposition"].endswith(f'10.7.2-ALB-results-{today()}.csv"')


@pytest.mark.parametrize("fmt", ["csv", "aggregates-csv", "sdmx-csv", "open-sdg"])
def test_an_unpublished_round_is_not_found_in_any_format_even_for_an_analyst(client, rounds, fmt):
    assert download(client, fmt, round_code="inquiry-14-2023").status_code == 404
    client.force_login(AnalystFactory())
    assert download(client, fmt, round_code="inquiry-14-2023").status_code == 404


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("results:download", ["inquiry-13-2021", "xlsx"]),
        ("results:download", ["no-such-round", "csv"]),
        ("results:country-download", ["ZZZ", "csv"]),
        ("results:country-download", ["ALB", "sdmx-csv"]),
    ],
)
def test_unknown_formats_rounds_and_countries_are_not_found(client, rounds, name, args):
    assert client.get(reverse(name, args=args)).status_code == 404


def test_a_round_counts_carried_forward_results_and_says_where_they_come_from(
    client, instrument, all_countries
):
    twelfth = RoundFactory(version=instrument, reference_year=2019, code="inquiry-12-2019")
    thirteenth = RoundFactory(version=instrument, reference_year=2021, code="inquiry-13-2021")
    thirteenth.carries_forward.set([twelfth])
    import_published_results(
        data=(
            b"DATAFLOW,SERIES,REF_AREA,TIME_PERIOD,COMPOSITE_BREAKDOWN,OBS_VALUE\n"
            b"IAEG-SDGs:DF_SDG_GLH(1.24),SG_CPA_MIGRS,8,2019,_T,2\n"
            b"IAEG-SDGs:DF_SDG_GLH(1.24),SG_CPA_MIGRS,246,2019,_T,4\n"
            b"IAEG-SDGs:DF_SDG_GLH(1.24),SG_CPA_MIGRS,8,2021,_T,3\n"
        ),
        file_name="un.csv",
    )
    for round_ in (twelfth, thirteenth):
        round_services.round_close(round=round_, by=None, reason="test")
        round_services.round_publish(round=round_, by=None, reason="test")

    rows = rows_of(download(client, "csv"))
    assert [(r["iso3"], r["year"], r["category"]) for r in rows] == [
        ("ALB", "2021", "3"),
        ("FIN", "2019", "4"),
    ]
    albania = rows_of(client.get(reverse("results:country-download", args=["ALB", "csv"])))
    assert [(r["year"], r["category"]) for r in albania] == [("2019", "2"), ("2021", "3")]
