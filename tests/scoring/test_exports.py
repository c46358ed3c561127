"""SDMX-CSV export of the country series (SG_CPA_MIGRS) and regional shares (SG_CPA_MIGRP)."""

import csv

import pytest
from django.core.management import CommandError, call_command

from geography.models import Country
from scoring import sdmx
from scoring.models import PublishedResult, ResultImport
from scoring.services.scores import score_validated_submission
from tests.factories import RoundFactory
from tests.scoring.factories import answers_for_overall, answers_with, validated_submission


@pytest.fixture
def rounds(instrument, all_countries):
    twelfth = RoundFactory(version=instrument, reference_year=2019)
    thirteenth = RoundFactory(version=instrument, reference_year=2021)
    thirteenth.carries_forward.set([twelfth])
    return twelfth, thirteenth


def scored(round_, iso3, answers):
    submission = validated_submission(
        round=round_, country=Country.objects.get(iso3=iso3), answers=answers
    )
    return score_validated_submission(submission=submission, by=None).record


def export(tmp_path, series, year, name="export.csv"):
    path = tmp_path / name
    call_command("export_results", "--series", series, "--year", str(year), "--output", str(path))
    return path


def read_rows(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_country_series_is_written_in_the_sdg_structure(rounds, tmp_path):
    _, thirteenth = rounds
    scored(thirteenth, "ALB", answers_with(no=("5a", "5b", "5c", "5d")))

    path = export(tmp_path, "SG_CPA_MIGRS", 2021)

    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == list(sdmx.EXPORT_HEADER)
    assert header[:17] == [
        "DATAFLOW",
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
        "TIME_PERIOD",
    ]
    rows = read_rows(path)
    assert [(r["REF_AREA"], r["COMPOSITE_BREAKDOWN"], r["OBS_VALUE"]) for r in rows] == [
        ("8", "_T", "3"),
        ("8", "PD_1", "4"),
        ("8", "PD_2", "4"),
        ("8", "PD_3", "4"),
        ("8", "PD_4", "4"),
        ("8", "PD_5", "1"),
        ("8", "PD_6", "4"),
    ]
    first = rows[0]
    assert first["DATAFLOW"] == "IAEG-SDGs:DF_SDG_GLH(1.26)"
    assert first["OBS_STATUS"] == "A"
    assert (first["FREQ"], first["SERIES"], first["TIME_PERIOD"]) == ("A", "SG_CPA_MIGRS", "2021")
    assert first["SEX"] == first["AGE"] == first["PRODUCT"] == "_T"


def test_the_country_series_holds_only_the_rounds_own_respondents(rounds, tmp_path):
    twelfth, thirteenth = rounds
    scored(twelfth, "DNK", answers_for_overall(4))
    scored(thirteenth, "FIN", answers_for_overall(2))
    rows = read_rows(export(tmp_path, "SG_CPA_MIGRS", 2021))
    assert {r["REF_AREA"] for r in rows} == {"246"}


def test_regional_shares_have_four_decimals_and_regions_without_leading_zeros(rounds, tmp_path):
    twelfth, thirteenth = rounds
    scored(thirteenth, "KEN", answers_for_overall(4))
    scored(thirteenth, "SEN", answers_for_overall(3))
    scored(twelfth, "NGA", answers_for_overall(1))  # carried forward into 2021

    rows = read_rows(export(tmp_path, "SG_CPA_MIGRP", 2021))

    overall = {r["REF_AREA"]: r["OBS_VALUE"] for r in rows if r["COMPOSITE_BREAKDOWN"] == "_T"}
    assert overall["1"] == "66.6667"  # World: 2 of the 3 responding countries
    assert overall["202"] == "66.6667"  # Sub-Saharan Africa
    assert overall["2"] == "66.6667"  # Africa (M49 region 002)
    assert "513" not in overall  # no respondent in Europe and Northern America: no figure
    assert len([r for r in rows if r["REF_AREA"] == "202"]) == 7  # once, though 202 is two levels
    assert {r["SERIES"] for r in rows} == {"SG_CPA_MIGRP"}
    assert {r["UNIT_MEASURE"] for r in rows} == {sdmx.MIGRP_UNIT_MEASURE}


def test_what_is_exported_is_read_back_unchanged(rounds, tmp_path):
    _, thirteenth = rounds
    scored(thirteenth, "KEN", answers_with(legal=("1a", "1b"), no=("3c",)))
    scored(thirteenth, "DNK", answers_for_overall(1))
    path = export(tmp_path, "SG_CPA_MIGRS", 2021)

    read = sdmx.read_sdmx_csv(path.read_bytes())

    assert read.ok
    m49 = {c.pk: c.m49 for c in Country.objects.filter(iso3__in=["KEN", "DNK"])}
    from scoring.selectors import round_country_results

    expected = {
        (m49[country_id], 2021, breakdown, category)
        for country_id, result in round_country_results(round=thirteenth).items()
        for breakdown, category in result.categories.items()
    }
    assert {(o.ref_area, o.year, o.breakdown, o.value) for o in read.observations} == expected


def test_an_exported_file_of_published_results_imports_back_without_any_change(rounds, tmp_path):
    published = tmp_path / "published.csv"
    published.write_text(
        "DATAFLOW,SERIES,REF_AREA,TIME_PERIOD,COMPOSITE_BREAKDOWN,OBS_VALUE\n"
        "IAEG-SDGs:DF_SDG_GLH(1.0),SG_CPA_MIGRS,208,2021,_T,3\n"
        "IAEG-SDGs:DF_SDG_GLH(1.0),SG_CPA_MIGRS,208,2021,PD_2,4\n"
        "IAEG-SDGs:DF_SDG_GLH(1.0),SG_CPA_MIGRS,004,2021,_T,1\n",
        encoding="utf-8",
    )
    call_command("import_published_results", str(published))

    exported = export(tmp_path, "SG_CPA_MIGRS", 2021)
    call_command("import_published_results", str(exported))

    assert PublishedResult.objects.count() == 3
    assert ResultImport.objects.count() == 1


def test_exporting_a_year_without_a_round_fails_clearly(rounds, tmp_path):
    with pytest.raises(CommandError, match="No round has the reference year 1990"):
        export(tmp_path, "SG_CPA_MIGRS", 1990)


def test_the_export_goes_to_standard_output_without_a_file(rounds, capsys):
    _, thirteenth = rounds
    scored(thirteenth, "FIN", answers_for_overall(4))
    call_command("export_results", "--series", "SG_CPA_MIGRS", "--year", "2021")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("DATAFLOW,FREQ,REPORTING_TYPE")
    assert len(lines) == 8


def run_from_command_line(*args):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", *args]).execute()
    return exited.value.code


@pytest.mark.parametrize(
    "where, reason",
    [
        (lambda tmp: tmp, "Is a directory"),
        (lambda tmp: tmp / "missing" / "export.csv", "No such file or directory"),
    ],
    ids=["a directory", "a missing folder"],
)
def test_an_output_that_cannot_be_written_is_reported_in_one_line(
    instrument, tmp_path, capsys, where, reason
):
    RoundFactory(version=instrument, reference_year=2021)
    output = where(tmp_path)
    code = run_from_command_line(
        "export_results", "--series", sdmx.MIGRS, "--year", "2021", "--output", str(output)
    )
    err = capsys.readouterr().err
    assert code != 0
    assert err.strip() == f"CommandError: Cannot write {output}: {reason}."
    assert "Traceback" not in err


def test_an_output_without_permission_is_reported_in_one_line(
    instrument, tmp_path, capsys, monkeypatch
):
    from scoring.management.commands import export_results

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    # The tests may run as root, which no file mode stops.
    monkeypatch.setattr(export_results, "open", refused, raising=False)
    RoundFactory(version=instrument, reference_year=2021)
    output = tmp_path / "export.csv"
    code = run_from_command_line(
        "export_results", "--series", sdmx.MIGRS, "--year", "2021", "--output", str(output)
    )
    assert code != 0
    assert (
        capsys.readouterr().err.strip()
        == f"CommandError: Cannot write {output}: Permission denied."
    )
