"""Importing the files the UN actually hands out: SDMX-CSV of data.un.org, the SDG Global Database
CSV and the SDG API JSON, with territory rows and missing values skipped and counted.

The fixture files in tests/scoring/data hold the same observations in the three layouts: Albania
2019 (overall 3, domains 1 and 2), Denmark 2021 (overall 4, domain 6), a territory (Curaçao, 531),
two areas listed without a value (NaN, N) and Kenya with an empty value."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from questionnaire.models import Round
from scoring.models import PublishedResult, ResultImport
from scoring.published_files import SDG_API_CSV, SDG_API_JSON, SDMX_CSV, read_published_file
from scoring.services.imports import import_published_results
from tests.factories import RoundFactory

DATA = Path(__file__).parent / "data"
EXPECTED = {
    ("ALB", 2019, "_T"): 3,
    ("ALB", 2019, "PD_1"): 2,
    ("ALB", 2019, "PD_2"): 4,
    ("DNK", 2021, "_T"): 4,
    ("DNK", 2021, "PD_6"): 3,
}


@pytest.fixture
def rounds(instrument, all_countries):
    return (
        RoundFactory(version=instrument, reference_year=2019),
        RoundFactory(version=instrument, reference_year=2021),
    )


def stored():
    return {
        (r.country.iso3, r.round.reference_year, r.breakdown): r.category
        for r in PublishedResult.objects.select_related("country", "round")
    }


@pytest.mark.parametrize(
    ("file_name", "layout", "missing"),
    [
        ("data_un_org_SG_CPA_MIGRS.csv", SDMX_CSV, 3),
        ("sdg_api_SG_CPA_MIGRS.csv", SDG_API_CSV, 2),
        ("sdg_api_SG_CPA_MIGRS.json", SDG_API_JSON, 2),
    ],
)
def test_each_real_layout_imports_the_countries_and_counts_what_it_skipped(
    rounds, file_name, layout, missing
):
    outcome = import_published_results(data=(DATA / file_name).read_bytes(), file_name=file_name)

    assert outcome.ok, outcome.problems
    assert outcome.layout == layout
    assert stored() == EXPECTED
    assert outcome.new_values == 5
    assert outcome.skipped_areas == 1  # Curaçao
    assert outcome.skipped_missing == missing
    assert f"{missing} rows without a value" in outcome.warning
    assert "1 row of an area that is not one of the countries" in outcome.warning
    assert ResultImport.objects.get().new_values == 5


def test_the_command_prints_the_warning_and_imports(rounds, capsys):
    call_command("import_published_results", str(DATA / "sdg_api_SG_CPA_MIGRS.csv"))

    captured = capsys.readouterr()
    assert "Skipped: 1 row of an area that is not one of the countries" in captured.err
    assert "SDG Global Database CSV" in captured.out
    assert stored() == EXPECTED


def test_a_dry_run_of_the_command_writes_nothing(rounds, capsys):
    call_command("import_published_results", str(DATA / "sdg_api_SG_CPA_MIGRS.json"), "--dry-run")

    assert "5 new" in capsys.readouterr().out
    assert not PublishedResult.objects.exists() and not ResultImport.objects.exists()


def test_real_errors_in_the_sdg_api_csv_reject_the_whole_file_by_line(rounds):
    lines = (DATA / "sdg_api_SG_CPA_MIGRS.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",DOMAIN1,", ",DOMAIN9,")  # line 3
    lines[4] = lines[4].replace(",2021,4,2021,", ",2021,7,2021,")  # line 5

    outcome = import_published_results(data="\n".join(lines).encode(), file_name="bad.csv")

    assert [str(p) for p in outcome.problems] == [
        "line 3: unknown policy domain 'DOMAIN9' (expected ALLDOMAINS or DOMAIN1 to DOMAIN6)",
        "line 5: value '7' is not a category 1, 2, 3 or 4",
    ]
    assert not PublishedResult.objects.exists()


def test_real_errors_in_the_sdg_api_json_are_named_by_record(rounds):
    answer = json.loads((DATA / "sdg_api_SG_CPA_MIGRS.json").read_text(encoding="utf-8"))
    answer["data"][1]["timePeriodStart"] = "twenty"

    outcome = import_published_results(data=json.dumps(answer).encode(), file_name="bad.json")

    assert [str(p) for p in outcome.problems] == ["record 2: time period 'twenty' is not a year"]
    assert not PublishedResult.objects.exists()


def test_a_year_without_a_round_is_still_an_error(instrument, all_countries):
    RoundFactory(version=instrument, reference_year=2019)
    outcome = import_published_results(
        data=(DATA / "sdg_api_SG_CPA_MIGRS.csv").read_bytes(), file_name="x.csv"
    )
    assert "line 5: no round has the reference year 2021" in [str(p) for p in outcome.problems]
    assert not PublishedResult.objects.exists()


@pytest.mark.parametrize(
    "content",
    [b"name,age\nAda,36\n", b"Country;Year;Score\nAlbania;2019;3\n", b"just some words"],
)
def test_an_unknown_layout_says_which_layouts_are_accepted_and_where_to_get_them(content):
    result = read_published_file(content)

    [problem] = result.problems
    assert "none of the layouts accepted" in str(problem)
    assert "data.un.org" in str(problem) and "/v1/sdg/Series/DataCSV" in str(problem)


def test_json_that_is_not_the_sdg_api_answer_is_refused():
    result = read_published_file(b'{"rows": []}')
    assert [str(p) for p in result.problems] == ['the JSON has no "data" list of the SDG API']


def test_broken_json_says_where(db):
    result = read_published_file(b'{"data": [\n{"series": "SG_CPA_MIGRS",,}]}')
    assert "not valid JSON (line 2" in str(result.problems[0])


def test_a_published_round_still_needs_a_reasoned_revision(rounds):
    Round.objects.filter(reference_year=2021).update(state=Round.State.PUBLISHED)
    outcome = import_published_results(
        data=(DATA / "sdg_api_SG_CPA_MIGRS.json").read_bytes(), file_name="x.json"
    )
    assert any("published" in str(p) for p in outcome.problems)
    with pytest.raises(CommandError):
        call_command("import_published_results", str(DATA / "sdg_api_SG_CPA_MIGRS.json"))
    assert not PublishedResult.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        # A header with an unclosed quote running past the CSV module's field limit.
        b'GeoAreaCode,"TimePeriod,Value\n' + b"x" * 200_000,
        # JSON nested deeper than Python's parser recurses.
        b"[" * 100_000,
    ],
    ids=["unclosed-quote-in-header", "deeply-nested-json"],
)
def test_a_malformed_file_is_refused_with_a_message_not_a_crash(db, content):
    result = read_published_file(content)

    assert result.problems
