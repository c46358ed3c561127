"""SDMX-CSV reading and writing for SG_CPA_MIGRS / SG_CPA_MIGRP (scoring.sdmx, no Django)."""

import io
from decimal import Decimal
from fractions import Fraction

import pytest

from scoring.sdmx import (
    DATAFLOW,
    MIGRP_NATURE,
    MIGRP_UNIT_MEASURE,
    MIGRS_NATURE,
    MIGRS_UNIT_MEASURE,
    SDG_DIMENSIONS,
    ExportRow,
    Observation,
    format_obs_value,
    read_sdmx_csv,
    write_sdmx_csv,
)

# A minimal SDMX-CSV 1.0 file: two domains and the overall category of Denmark (208).
V1_HEADER = "DATAFLOW,SERIES,REF_AREA,TIME_PERIOD,COMPOSITE_BREAKDOWN,OBS_VALUE"


def v1(*rows: str) -> str:
    return "\n".join([V1_HEADER, *rows]) + "\n"


def row(ref_area="208", year="2021", breakdown="_T", value="3", series="SG_CPA_MIGRS") -> str:
    return f"{DATAFLOW},{series},{ref_area},{year},{breakdown},{value}"


def messages(result) -> list[str]:
    return [str(p) for p in result.problems]


def problem_lines(result) -> list[int | None]:
    return [p.line for p in result.problems]


# --- accepted layouts -------------------------------------------------------------------------


def test_reads_sdmx_csv_1_0_with_dataflow_first_column():
    result = read_sdmx_csv(
        v1(row(), row(breakdown="PD_1", value="4"), row(breakdown="PD_6", value="1"))
    )

    assert result.ok, messages(result)
    assert result.observations == (
        Observation(line=2, ref_area="208", year=2021, breakdown="_T", value=3),
        Observation(line=3, ref_area="208", year=2021, breakdown="PD_1", value=4),
        Observation(line=4, ref_area="208", year=2021, breakdown="PD_6", value=1),
    )
    assert result.skipped_other_series == 0


def test_reads_sdmx_csv_2_0_with_structure_columns_and_actions():
    text = (
        "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REPORTING_TYPE,SERIES,REF_AREA,COMPOSITE_BREAKDOWN,"
        "TIME_PERIOD,OBS_VALUE\n"
        "dataflow,IAEG-SDGs:DF_SDG_GLH(1.0),I,A,G,SG_CPA_MIGRS,246,_T,2019,2\n"
        "dataflow,IAEG-SDGs:DF_SDG_GLH(1.0),A,A,G,SG_CPA_MIGRS,246,PD_3,2019,4\n"
        "dataflow,IAEG-SDGs:DF_SDG_GLH(1.0),,A,G,SG_CPA_MIGRS,246,PD_4,2019,3\n"
    )

    result = read_sdmx_csv(text.encode())

    assert result.ok, messages(result)
    assert [(o.ref_area, o.year, o.breakdown, o.value) for o in result.observations] == [
        ("246", 2019, "_T", 2),
        ("246", 2019, "PD_3", 4),
        ("246", 2019, "PD_4", 3),
    ]


def test_sdmx_csv_2_0_deletion_rows_are_reported_not_ignored():
    text = (
        "STRUCTURE,STRUCTURE_ID,ACTION,SERIES,REF_AREA,COMPOSITE_BREAKDOWN,TIME_PERIOD,OBS_VALUE\n"
        "dataflow,IAEG-SDGs:DF_SDG_GLH(1.0),I,SG_CPA_MIGRS,246,_T,2019,2\n"
        "dataflow,IAEG-SDGs:DF_SDG_GLH(1.0),D,SG_CPA_MIGRS,246,PD_1,2019,\n"
    )

    result = read_sdmx_csv(text)

    assert not result.ok
    assert problem_lines(result)[0] == 3
    assert "deletions are not supported" in messages(result)[0]


def test_columns_in_any_order_with_extra_columns_and_utf8_bom():
    text = (
        " OBS_VALUE ,COMMENT_OBS,TIME_PERIOD,UNIT_MEASURE,COMPOSITE_BREAKDOWN,REF_AREA,SERIES,NATURE\n"
        '3,"validated, no change",2021,NUMBER,PD_2,208,SG_CPA_MIGRS,C\n'
    )

    result = read_sdmx_csv(b"\xef\xbb\xbf" + text.encode())

    assert result.ok, messages(result)
    assert result.observations == (
        Observation(line=2, ref_area="208", year=2021, breakdown="PD_2", value=3),
    )


def test_ref_area_with_or_without_leading_zeros_and_with_labels():
    result = read_sdmx_csv(
        v1(
            row(ref_area="8"),
            row(ref_area="008", breakdown="PD_1"),
            row(ref_area="208: Denmark"),
            row(ref_area="36"),
        )
    )

    assert result.ok, messages(result)
    assert [o.ref_area for o in result.observations] == ["008", "008", "208", "036"]


def test_headers_and_values_with_labels_both():
    text = (
        "DATAFLOW,SERIES: Series,REF_AREA: Reference area,TIME_PERIOD: Time,"
        "COMPOSITE_BREAKDOWN: Composite breakdown,OBS_VALUE: Observation value\n"
        f"{DATAFLOW},SG_CPA_MIGRS: Countries with migration policies,208: Denmark,2021,"
        "PD_1: Migrant rights,2\n"
    )

    result = read_sdmx_csv(text)

    assert result.ok, messages(result)
    assert result.observations == (
        Observation(line=2, ref_area="208", year=2021, breakdown="PD_1", value=2),
    )


def test_other_series_rows_are_skipped_and_counted():
    result = read_sdmx_csv(
        v1(
            row(series="SG_CPA_MIGRP", ref_area="1", value="54.3"),
            row(),
            row(series="SG_CPA_MIGRP", ref_area="1", breakdown="PD_1", value="50.0000"),
        )
    )

    assert result.ok, messages(result)
    assert len(result.observations) == 1
    assert result.skipped_other_series == 2


def test_only_overall_rows_for_a_country_are_fine():
    result = read_sdmx_csv(v1(row(ref_area="208"), row(ref_area="246", value="2")))

    assert result.ok, messages(result)
    assert {o.breakdown for o in result.observations} == {"_T"}


def test_whole_number_values_written_with_decimals_are_accepted():
    result = read_sdmx_csv(v1(row(value="3.0"), row(breakdown="PD_1", value="4.00")))

    assert result.ok, messages(result)
    assert [o.value for o in result.observations] == [3, 4]


def test_year_may_be_written_as_a_date():
    result = read_sdmx_csv(v1(row(year="2021-01-01"), row(year="2019-12-31", breakdown="PD_1")))

    assert result.ok, messages(result)
    assert [o.year for o in result.observations] == [2021, 2019]


def test_blank_lines_are_ignored_and_line_numbers_stay_physical():
    result = read_sdmx_csv(v1("", row(), "   ", row(breakdown="PD_1", value="9")))

    assert [o.line for o in result.observations] == [3]
    assert problem_lines(result) == [5]


def test_identical_duplicates_are_kept_once():
    result = read_sdmx_csv(v1(row(), row(value="3.0")))

    assert result.ok, messages(result)
    assert len(result.observations) == 1


@pytest.mark.parametrize("value", ["", "N", "NaN", "nan", ".."])
def test_missing_values_are_skipped_and_counted_not_reported(value):
    result = read_sdmx_csv(v1(row(), row(breakdown="PD_1", value=value), row(ref_area="531")))

    assert result.ok
    assert result.skipped_missing == 1
    assert [(o.ref_area, o.breakdown) for o in result.observations] == [
        ("208", "_T"),
        ("531", "_T"),
    ]


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["5", "0", "2.5", "-1", "three", "3e0"])
def test_value_that_is_not_a_category_is_reported_with_its_line(value):
    result = read_sdmx_csv(v1(row(), row(breakdown="PD_1", value=value)))

    assert problem_lines(result) == [3]
    assert "OBS_VALUE" in messages(result)[0]
    assert len(result.observations) == 1


def test_unknown_breakdown_is_reported():
    result = read_sdmx_csv(v1(row(breakdown="PD_7")))

    assert problem_lines(result) == [2]
    assert "unknown breakdown" in messages(result)[0]


@pytest.mark.parametrize("ref_area", ["DNK", "2080", "", "20.8", "Denmark"])
def test_ref_area_that_is_not_an_m49_code_is_reported(ref_area):
    result = read_sdmx_csv(v1(row(ref_area=ref_area)))

    assert problem_lines(result) == [2]
    assert "REF_AREA" in messages(result)[0]


@pytest.mark.parametrize("year", ["21", "2021-Q1", "FY2021", "", "2021/22"])
def test_time_period_that_is_not_a_year_is_reported(year):
    result = read_sdmx_csv(v1(row(year=year)))

    assert problem_lines(result) == [2]
    assert "TIME_PERIOD" in messages(result)[0]


def test_other_breakdowns_must_be_totals():
    text = V1_HEADER + ",SEX\n" + row() + ",_T\n" + row(breakdown="PD_1") + ",F\n"

    result = read_sdmx_csv(text)

    assert problem_lines(result) == [3]
    assert "SEX" in messages(result)[0]


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",  # xlsx (zip)
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00",  # legacy xls
        "DATAFLOW,SERIES".encode("utf-16"),
        bytes(range(256)),
    ],
)
def test_binary_bytes_are_not_csv(data):
    result = read_sdmx_csv(data)

    assert not result.ok
    assert result.observations == ()
    assert "not CSV" in messages(result)[0]


def test_undecodable_utf8_is_reported_with_its_line():
    data = v1(row()).encode() + "208,Malmö".encode("latin-1")

    result = read_sdmx_csv(data)

    assert problem_lines(result) == [3]
    assert "UTF-8" in messages(result)[0]


@pytest.mark.parametrize("data", [b"", "", "\n\n  \n", b"\xef\xbb\xbf"])
def test_empty_file_is_reported(data):
    result = read_sdmx_csv(data)

    assert messages(result) == ["the file is empty"]


def test_missing_required_columns_are_named_on_line_1():
    result = read_sdmx_csv("DATAFLOW,SERIES,REF_AREA,OBS_VALUE\nx,SG_CPA_MIGRS,208,3\n")

    assert problem_lines(result) == [1]
    assert "TIME_PERIOD" in messages(result)[0]
    assert "COMPOSITE_BREAKDOWN" in messages(result)[0]


def test_header_names_are_case_sensitive():
    result = read_sdmx_csv(V1_HEADER.lower() + "\n")

    assert problem_lines(result) == [1]
    assert "missing required column" in messages(result)[0]


def test_header_only_file_has_no_observations():
    result = read_sdmx_csv(V1_HEADER + "\n")

    assert messages(result) == ["no observations of series SG_CPA_MIGRS"]


def test_file_with_only_other_series_has_no_observations():
    result = read_sdmx_csv(v1(row(series="SG_CPA_MIGRP", value="54.3")))

    assert not result.ok
    assert "no observations of series SG_CPA_MIGRS" in messages(result)[0]
    assert result.skipped_other_series == 1


def test_conflicting_duplicates_name_both_lines():
    result = read_sdmx_csv(v1(row(value="3"), row(breakdown="PD_1"), row(value="2")))

    assert problem_lines(result) == [4]
    assert "line 2" in result.problems[0].message
    assert "line 4" in result.problems[0].message
    assert [o.value for o in result.observations] == [3, 3]


def test_every_problem_is_collected_with_its_line_number():
    result = read_sdmx_csv(
        v1(
            row(value="5"),
            row(breakdown="PD_1", value="2.5"),
            row(breakdown="XX"),
            row(ref_area="DNK"),
            row(year="last year"),
            row(breakdown="PD_2"),
            row(breakdown="PD_2", value="1"),
            row(breakdown="PD_3", value="4"),
        )
    )

    assert problem_lines(result) == [2, 3, 4, 5, 6, 8]
    assert [(o.line, o.breakdown) for o in result.observations] == [(7, "PD_2"), (9, "PD_3")]


def test_one_row_with_several_faults_reports_each():
    result = read_sdmx_csv(v1(row(ref_area="X", year="Y", breakdown="Z", value="9")))

    assert problem_lines(result) == [2, 2, 2, 2]


def test_row_with_wrong_number_of_fields_is_reported():
    result = read_sdmx_csv(v1(row() + ",extra", f"{DATAFLOW},SG_CPA_MIGRS,208"))

    assert problem_lines(result)[0] == 2
    assert 3 in problem_lines(result)


def test_semicolon_separated_file_is_read():
    text = v1(row()).replace(",", ";")

    result = read_sdmx_csv(text)

    assert result.ok, messages(result)
    assert len(result.observations) == 1


# --- writing ----------------------------------------------------------------------------------


def test_writes_sdmx_csv_1_0_header_and_key():
    out = io.StringIO()

    count = write_sdmx_csv([ExportRow("SG_CPA_MIGRS", "008", 2021, "PD_2", 3)], out)

    lines = out.getvalue().split("\n")
    assert count == 1
    assert lines[0].split(",") == [
        "DATAFLOW",
        *SDG_DIMENSIONS,
        "TIME_PERIOD",
        "OBS_VALUE",
        "OBS_STATUS",
        "UNIT_MULT",
        "UNIT_MEASURE",
        "NATURE",
    ]
    fields = dict(zip(lines[0].split(","), lines[1].split(","), strict=True))
    assert fields["DATAFLOW"] == "IAEG-SDGs:DF_SDG_GLH(1.26)"
    assert fields["OBS_STATUS"] == "A"
    assert fields["FREQ"] == "A"
    assert fields["REPORTING_TYPE"] == "G"
    assert fields["REF_AREA"] == "8"
    assert fields["COMPOSITE_BREAKDOWN"] == "PD_2"
    assert fields["TIME_PERIOD"] == "2021"
    assert fields["OBS_VALUE"] == "3"
    assert fields["UNIT_MEASURE"] == MIGRS_UNIT_MEASURE
    assert fields["UNIT_MULT"] == "0"
    assert fields["NATURE"] == MIGRS_NATURE
    for dimension in ("SEX", "AGE", "URBANISATION", "DISABILITY_STATUS", "ACTIVITY", "PRODUCT"):
        assert fields[dimension] == "_T"
    assert lines[2:] == [""]  # "\n" terminates every line, no "\r"


def test_rows_are_sorted_deterministically():
    rows = [
        ExportRow("SG_CPA_MIGRS", "208", 2021, "PD_1", 4),
        ExportRow("SG_CPA_MIGRS", 36, 2021, "_T", 2),
        ExportRow("SG_CPA_MIGRS", "208", 2019, "PD_6", 1),
        ExportRow("SG_CPA_MIGRS", "208", 2021, "_T", 3),
        ExportRow("SG_CPA_MIGRP", 1, 2021, "_T", Fraction(1, 2)),
        ExportRow("SG_CPA_MIGRS", "208", 2019, "PD_2", 1),
    ]
    out_forward, out_backward = io.StringIO(), io.StringIO()

    write_sdmx_csv(rows, out_forward)
    write_sdmx_csv(reversed(rows), out_backward)

    body = out_forward.getvalue().splitlines()[1:]
    keys = [(line.split(",")[3], line.split(",")[4], line.split(",")[12]) for line in body]
    assert keys == [
        ("SG_CPA_MIGRP", "1", "_T"),
        ("SG_CPA_MIGRS", "36", "_T"),
        ("SG_CPA_MIGRS", "208", "PD_2"),
        ("SG_CPA_MIGRS", "208", "PD_6"),
        ("SG_CPA_MIGRS", "208", "_T"),
        ("SG_CPA_MIGRS", "208", "PD_1"),
    ]
    assert out_forward.getvalue() == out_backward.getvalue()


def test_round_trip_of_country_categories():
    rows = [
        ExportRow("SG_CPA_MIGRS", ref_area, year, breakdown, value)
        for ref_area, year, breakdown, value in [
            ("008", 2019, "_T", 2),
            ("208", 2021, "_T", 3),
            ("208", 2021, "PD_1", 4),
            ("208", 2021, "PD_6", 1),
            (246, 2021, "PD_3", 3),
        ]
    ] + [ExportRow("SG_CPA_MIGRP", 1, 2021, "_T", Fraction(2, 3) * 100)]
    out = io.StringIO()
    write_sdmx_csv(rows, out)

    result = read_sdmx_csv(out.getvalue().encode())

    assert result.ok, messages(result)
    assert result.skipped_other_series == 1
    assert [(o.ref_area, o.year, o.breakdown, o.value) for o in result.observations] == [
        ("008", 2019, "_T", 2),
        ("208", 2021, "_T", 3),
        ("208", 2021, "PD_1", 4),
        ("208", 2021, "PD_6", 1),
        ("246", 2021, "PD_3", 3),
    ]


def test_percentages_are_written_with_four_decimals_and_their_units():
    out = io.StringIO()
    write_sdmx_csv(
        [
            ExportRow("SG_CPA_MIGRP", 1, 2021, "_T", Fraction(200, 3)),
            ExportRow("SG_CPA_MIGRP", 1, 2021, "PD_1", Decimal("50")),
        ],
        out,
    )

    header, *body = out.getvalue().splitlines()
    fields = [dict(zip(header.split(","), line.split(","), strict=True)) for line in body]
    assert [f["OBS_VALUE"] for f in fields] == ["66.6667", "50.0000"]
    assert {f["UNIT_MEASURE"] for f in fields} == {MIGRP_UNIT_MEASURE}
    assert {f["NATURE"] for f in fields} == {MIGRP_NATURE}


def test_explicit_units_and_reporting_type_override_defaults():
    out = io.StringIO()
    write_sdmx_csv([ExportRow("SG_CPA_MIGRS", 208, 2021, "_T", 3, "N", "NUMBER", "0", "CA")], out)

    header, line = out.getvalue().splitlines()
    fields = dict(zip(header.split(","), line.split(","), strict=True))
    assert (fields["REPORTING_TYPE"], fields["NATURE"]) == ("N", "CA")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3, "3"),
        (Fraction(2, 3) * 100, "66.6667"),
        (Fraction(1, 3) * 100, "33.3333"),
        (Fraction(100), "100.0000"),
        (Fraction(0), "0.0000"),
        (Fraction(1, 80000), "0.0000"),  # 0.0000125 rounds down
        (Fraction(1, 20000), "0.0001"),  # 0.00005 exactly: half rounds up
        (Decimal("12.34565"), "12.3457"),
        (Decimal("12.34564999"), "12.3456"),
        (Decimal("0.00005"), "0.0001"),
        (Decimal("1E+2"), "100.0000"),
    ],
)
def test_format_obs_value(value, text):
    assert format_obs_value(value) == text


@pytest.mark.parametrize("value", [66.6667, True, "3"])
def test_format_obs_value_refuses_floats_and_other_types(value):
    with pytest.raises(TypeError):
        format_obs_value(value)


def test_format_obs_value_refuses_decimal_nan():
    with pytest.raises(ValueError):
        format_obs_value(Decimal("NaN"))


@pytest.mark.parametrize(
    "bad",
    [
        ExportRow("SG_CPA_MIGRS", 208, 2021, "PD_7", 3),
        ExportRow("SG_CPA_MIGRS", "DNK", 2021, "_T", 3),
        ExportRow("SG_OTHER", 208, 2021, "_T", 3),
    ],
)
def test_write_refuses_rows_it_cannot_express(bad):
    with pytest.raises(ValueError):
        write_sdmx_csv([bad], io.StringIO())
