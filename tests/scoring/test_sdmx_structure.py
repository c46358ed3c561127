"""The SDMX-CSV export is valid against the real IAEG-SDGs SDG data structure definition.

The structure file, tests/scoring/data/IAEG-SDGs_SDG_DSD_1.4.xml.gz, is the SDMX-ML 2.1 structure
message of the data structure IAEG-SDGs:SDG version 1.4 with all its code lists, as published by
the IAEG-SDGs SDMX working group and republished by national SDG platforms: this copy is
SDG_DSD.xml of github.com/Tajstat/sdg-data-tajikistan2 at commit
ee8b885f9b43a9095341e604389179241c90e6d3 (2021-06-24), gzipped unchanged (1.4 MB -> 89 kB).

sdmx1 (https://github.com/khaeru/sdmx, a test dependency only) parses it. sdmx1 cannot validate a
data message against a structure by itself (its SDMX-CSV reader reads only SDMX-CSV 2.0 and checks
no code), so :func:`structure_errors` checks each column and code of the file against the parsed
structure: the dimensions in key order, the attributes in the structure's order, every mandatory
attribute present and filled, every coded value in its code list, one observation per key.
"""

import csv
import gzip
import io
import re
from functools import cache
from pathlib import Path

import pytest
from django.test import override_settings

from scoring import sdmx
from scoring.exports import write_round_sdmx
from scoring.services.imports import import_published_results
from tests.factories import RoundFactory

sdmx1 = pytest.importorskip("sdmx")

STRUCTURE_FILE = Path(__file__).parent / "data" / "IAEG-SDGs_SDG_DSD_1.4.xml.gz"


@cache
def sdg_structure():
    with gzip.open(STRUCTURE_FILE) as f:
        message = sdmx1.read_sdmx(io.BytesIO(f.read()), format="XML")
    return message.structure["SDG"]


def _codelist(component):
    representation = component.local_representation
    return representation.enumerated if representation is not None else None


def structure_errors(text: str, dsd) -> list[str]:
    """Every way ``text`` (SDMX-CSV 1.0) departs from the data structure ``dsd``."""
    rows = list(csv.reader(io.StringIO(text)))
    header, records = rows[0], rows[1:]
    dimensions = [d for d in dsd.dimensions if d.id != "TIME_PERIOD"]
    attributes = list(dsd.attributes)
    attribute_order = [a.id for a in attributes]
    errors = []

    expected_start = ["DATAFLOW", *(d.id for d in dimensions), "TIME_PERIOD", "OBS_VALUE"]
    if header[: len(expected_start)] != expected_start:
        errors.append(f"dimensions not in key order: {header[: len(expected_start)]}")
    written = header[len(expected_start) :]
    unknown = [name for name in written if name not in attribute_order]
    if unknown:
        errors.append(f"columns that are not attributes of the structure: {unknown}")
    known = [name for name in written if name in attribute_order]
    if known != sorted(known, key=attribute_order.index):
        errors.append(f"attributes not in the structure's order: {known}")
    mandatory = [a.id for a in attributes if a.usage_status.name == "mandatory"]
    missing = [name for name in mandatory if name not in written]
    if missing:
        errors.append(f"mandatory attributes missing: {missing}")

    coded = {
        component.id: _codelist(component)
        for component in [*dimensions, *attributes]
        if _codelist(component) is not None
    }
    keys = set()
    for number, record in enumerate(records, start=2):
        values = dict(zip(header, record, strict=False))
        if not re.fullmatch(r"IAEG-SDGs:DF_SDG_GLH\(\d+\.\d+\)", values.get("DATAFLOW", "")):
            errors.append(f"line {number}: DATAFLOW {values.get('DATAFLOW')!r}")
        for name, codelist in coded.items():
            if name in values and values[name] and values[name] not in codelist:
                errors.append(f"line {number}: {name} {values[name]!r} not in {codelist.id}")
        for name in mandatory:
            if not values.get(name):
                errors.append(f"line {number}: mandatory {name} is empty")
        try:
            float(values.get("OBS_VALUE", ""))
        except ValueError:
            errors.append(f"line {number}: OBS_VALUE {values.get('OBS_VALUE')!r}")
        key = tuple(values.get(d.id) for d in dimensions) + (values.get("TIME_PERIOD"),)
        if key in keys:
            errors.append(f"line {number}: a second observation for {key}")
        keys.add(key)
    return errors


PUBLISHED_2021 = "\n".join(
    [
        "DATAFLOW,SERIES,REF_AREA,TIME_PERIOD,COMPOSITE_BREAKDOWN,OBS_VALUE",
        *(
            f"IAEG-SDGs:DF_SDG_GLH(1.24),SG_CPA_MIGRS,{m49},2021,{breakdown},{value}"
            for m49, values in {
                "8": (1, 2, 3, 4, 1, 2, 3),
                "208": (4, 4, 3, 4, 4, 3, 4),
                "404": (3, 2, 3, 3, 4, 3, 3),
                "524": (2, 1, 2, 2, 3, 2, 2),
            }.items()
            for breakdown, value in zip(sdmx.BREAKDOWNS, values, strict=True)
        ),
    ]
)


@pytest.fixture
def round_with_results(instrument, all_countries):
    round_ = RoundFactory(version=instrument, reference_year=2021)
    outcome = import_published_results(data=PUBLISHED_2021.encode(), file_name="un.csv")
    assert outcome.ok, outcome.problems
    return round_


def export_text(round_) -> str:
    out = io.StringIO()
    write_round_sdmx(round=round_, out=out)
    return out.getvalue()


def test_the_export_of_both_series_is_valid_against_the_sdg_structure(round_with_results):
    text = export_text(round_with_results)

    assert structure_errors(text, sdg_structure()) == []
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["SERIES"] for r in rows} == {"SG_CPA_MIGRS", "SG_CPA_MIGRP"}
    assert {r["OBS_STATUS"] for r in rows} == {"A"}
    world_overall = next(
        r
        for r in rows
        if (r["SERIES"], r["REF_AREA"], r["COMPOSITE_BREAKDOWN"]) == ("SG_CPA_MIGRP", "1", "_T")
    )
    assert world_overall["OBS_VALUE"] == "50.0000"  # Denmark and Kenya of four
    assert (world_overall["UNIT_MEASURE"], world_overall["NATURE"]) == ("PT", "G")


def test_the_attributes_follow_the_structure_and_the_mandatory_ones_are_written():
    out = io.StringIO()
    sdmx.write_sdmx_csv([sdmx.ExportRow(sdmx.MIGRS, 208, 2021, "_T", 3)], out)
    header = out.getvalue().splitlines()[0].split(",")
    attributes = [a.id for a in sdg_structure().attributes]

    assert header[header.index("OBS_VALUE") + 1 :] == [
        "OBS_STATUS",
        "UNIT_MULT",
        "UNIT_MEASURE",
        "NATURE",
    ]
    assert attributes[:3] == ["OBS_STATUS", "UNIT_MULT", "UNIT_MEASURE"]
    assert list(sdmx.SDG_ATTRIBUTES) == attributes
    assert [d.id for d in sdg_structure().dimensions] == [*sdmx.SDG_DIMENSIONS, "TIME_PERIOD"]


@override_settings(SDMX_DATAFLOW_VERSION="1.24")
def test_the_dataflow_version_is_the_setting(round_with_results):
    rows = list(csv.DictReader(io.StringIO(export_text(round_with_results))))
    assert {r["DATAFLOW"] for r in rows} == {"IAEG-SDGs:DF_SDG_GLH(1.24)"}


def test_the_check_finds_a_file_without_the_mandatory_status_and_with_unknown_codes():
    # The check itself must fail on what the export used to write (no OBS_STATUS, attributes out
    # of order) and on codes outside the code lists.
    old_export = (
        "DATAFLOW," + ",".join(sdmx.SDG_DIMENSIONS) + ",TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,"
        "UNIT_MULT,NATURE\n"
        "IAEG-SDGs:DF_SDG_GLH(1.0),A,G,SG_CPA_MIGRS,208,_T,_T,_T,_T,_T,_T,_T,PD_9,_T,_T,_T,"
        "2021,3,NUMBER,0,C\n"
    )
    errors = structure_errors(old_export, sdg_structure())

    assert "mandatory attributes missing: ['OBS_STATUS']" in errors
    assert any("not in the structure's order" in e for e in errors)
    assert any("COMPOSITE_BREAKDOWN 'PD_9' not in CL_COMP_BREAKDOWN" in e for e in errors)


def test_the_real_un_download_passes_the_same_check():
    from fixtures.paths import UN_PUBLISHED_FILE

    text = UN_PUBLISHED_FILE.read_text(encoding="utf-8")
    assert structure_errors(text, sdg_structure()) == []
