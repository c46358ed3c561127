"""Results published by the UN, imported from SDMX-CSV: all or nothing, and audited."""

import pytest
from django.core.management import CommandError, call_command

from geography.models import Country
from scoring.models import PublishedResult, ResultImport
from scoring.selectors import PUBLISHED, round_country_results
from tests.factories import AnalystFactory, RoundFactory

HEADER_1 = (
    "DATAFLOW,FREQ,REPORTING_TYPE,SERIES,REF_AREA,SEX,AGE,URBANISATION,INCOME_WEALTH_QUANTILE,"
    "EDUCATION_LEV,OCCUPATION,CUST_BREAKDOWN,COMPOSITE_BREAKDOWN,DISABILITY_STATUS,ACTIVITY,"
    "PRODUCT,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,UNIT_MULT,NATURE"
)


def row_1(ref_area, breakdown, value, *, year=2021, series="SG_CPA_MIGRS"):
    return (
        f"IAEG-SDGs:DF_SDG_GLH(1.0),A,G,{series},{ref_area},_T,_T,_T,_T,_T,_T,_T,{breakdown},"
        f"_T,_T,_T,{year},{value},NUMBER,0,C"
    )


def sdmx_file(tmp_path, lines, name="SG_CPA_MIGRS.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def round_2021(instrument, all_countries):
    return RoundFactory(version=instrument, reference_year=2021, code="inquiry-13-2021")


def published(country_m49, round_):
    result = round_country_results(round=round_).get(Country.objects.get(m49=country_m49).pk)
    return result and result.categories


def test_an_analyst_imports_the_un_country_categories(round_2021, tmp_path, capsys):
    analyst = AnalystFactory(username="amara")
    path = sdmx_file(
        tmp_path,
        [HEADER_1]
        + [row_1("208", b, 3) for b in ("_T", "PD_1", "PD_2", "PD_3", "PD_4", "PD_5", "PD_6")]
        + [row_1("246", "_T", 4)],
    )

    call_command("import_published_results", str(path), "--by", "amara", "--reason", "UN 2021")

    assert published("208", round_2021) == {f"PD_{n}": 3 for n in range(1, 7)} | {"_T": 3}
    assert published("246", round_2021) == {"_T": 4}  # only the overall was published
    result = round_country_results(round=round_2021)[Country.objects.get(m49="246").pk]
    assert result.source == PUBLISHED
    assert result.source_label == "published by the UN, imported"
    record = ResultImport.objects.get()
    assert (record.file_name, record.imported_by, record.reason) == (
        "SG_CPA_MIGRS.csv",
        analyst,
        "UN 2021",
    )
    assert (record.observations, record.new_values, record.changed_values) == (8, 8, 0)
    assert "8 observation(s) read, 8 new" in capsys.readouterr().out


def test_sdmx_csv_2_with_columns_in_any_order_and_labelled_codes_is_read(round_2021, tmp_path):
    path = sdmx_file(
        tmp_path,
        [
            "STRUCTURE,STRUCTURE_ID,ACTION,OBS_VALUE,TIME_PERIOD,REF_AREA,SERIES,COMPOSITE_BREAKDOWN,COMMENT_OBS",
            "dataflow,IAEG-SDGs:DF_SDG_GLH(1.0),I,2,2021,208: Denmark,SG_CPA_MIGRS,_T,a comment",
            "dataflow,IAEG-SDGs:DF_SDG_GLH(1.0),I,1,2021,8,SG_CPA_MIGRS,PD_5,",
        ],
    )
    call_command("import_published_results", str(path))
    assert published("208", round_2021) == {"_T": 2}
    assert published("008", round_2021) == {"PD_5": 1}


def test_rows_of_other_series_are_skipped_and_counted(round_2021, tmp_path, capsys):
    path = sdmx_file(
        tmp_path,
        [HEADER_1, row_1("208", "_T", 3), row_1("1", "_T", "55.5", series="SG_CPA_MIGRP")],
    )
    call_command("import_published_results", str(path))
    assert "1 row(s) of other series skipped" in capsys.readouterr().out
    assert PublishedResult.objects.count() == 1


def test_importing_the_same_file_twice_changes_nothing(round_2021, tmp_path, capsys):
    path = sdmx_file(tmp_path, [HEADER_1, row_1("208", "_T", 3), row_1("246", "_T", 2)])
    call_command("import_published_results", str(path))
    call_command("import_published_results", str(path))
    assert PublishedResult.objects.count() == 2
    assert ResultImport.objects.count() == 1
    assert "Nothing changed" in capsys.readouterr().out


def test_a_file_that_changes_a_value_keeps_the_old_and_new_value(round_2021, tmp_path, capsys):
    call_command(
        "import_published_results",
        str(sdmx_file(tmp_path, [HEADER_1, row_1("208", "_T", 3), row_1("246", "_T", 2)])),
    )
    corrected = sdmx_file(
        tmp_path, [HEADER_1, row_1("208", "_T", 4), row_1("246", "_T", 2)], name="corrected.csv"
    )
    call_command("import_published_results", str(corrected))

    assert published("208", round_2021) == {"_T": 4}
    change = PublishedResult.objects.get(previous_category__isnull=False)
    assert (change.previous_category, change.category) == (3, 4)
    assert change.result_import.file_name == "corrected.csv"
    assert change.result_import.changed_values == 1
    assert PublishedResult.objects.filter(category=3, country__m49="208").exists()
    assert "208 2021 _T changed from 3 to 4" in capsys.readouterr().out


def test_a_file_with_problems_imports_nothing_and_names_every_problem_by_line(
    round_2021, tmp_path, capsys
):
    path = sdmx_file(
        tmp_path,
        [
            HEADER_1,
            row_1("208", "_T", 3),  # line 2 is fine
            row_1("999", "_T", 3),  # 3: not a country: skipped, not a problem
            row_1("246", "_T", 5),  # 4: value outside 1-4
            row_1("246", "PD_9", 2),  # 5: unknown breakdown
            row_1("246", "_T", 2, year=1999),  # 6: no round for the year
        ],
    )
    with pytest.raises(CommandError, match="3 problem"):
        call_command("import_published_results", str(path))
    errors = capsys.readouterr().err
    assert "line 3" not in errors
    assert "line 4: OBS_VALUE '5'" in errors
    assert "line 5: unknown breakdown 'PD_9'" in errors
    assert "line 6: no round has the reference year 1999" in errors
    assert not PublishedResult.objects.exists() and not ResultImport.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"PK\x03\x04\x14\x00\x00\x00binary", "not CSV"),
        (b"name,age\nAda,36\n", "none of the layouts accepted"),
    ],
)
def test_a_file_that_is_not_sdmx_csv_imports_nothing(
    round_2021, tmp_path, capsys, content, message
):
    path = tmp_path / "download.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError):
        call_command("import_published_results", str(path))
    assert message in capsys.readouterr().err
    assert not ResultImport.objects.exists()


def test_a_missing_file_is_reported_clearly(db, tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("import_published_results", str(tmp_path / "nowhere.csv"))
