"""The instrument and the country list in the database equal the methodology and reference files."""

import csv
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from fixtures.geography import load_countries
from fixtures.paths import COUNTRIES_FILE, INSTRUMENT_FILE, UN_PUBLISHED_FILE
from fixtures.rounds import load_rounds
from geography.models import Country, Region
from questionnaire.models import Domain, Item, ResponseOption, Round

SHARED = Path(__file__).resolve().parents[2] / "shared"
SPEC = json.loads(INSTRUMENT_FILE.read_text(encoding="utf-8"))


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is not beside this checkout")
@pytest.mark.parametrize(
    "copy, original",
    [
        (INSTRUMENT_FILE, SHARED / "methodology" / "questionnaire-10.7.2.json"),
        (COUNTRIES_FILE, SHARED / "reference" / "countries.csv"),
        (UN_PUBLISHED_FILE, SHARED / "reference" / "un-published" / "SG_CPA_MIGRS.csv"),
    ],
)
def test_the_bundled_data_files_are_exact_copies_of_the_shared_originals(copy, original):
    assert copy.read_bytes() == original.read_bytes()


def test_every_official_english_string_is_stored_byte_for_byte(instrument):
    domains = {d.number: d for d in Domain.objects.filter(version=instrument)}
    items = {
        i.code: i for i in Item.objects.filter(version=instrument).select_related("response_set")
    }
    assert len(domains) == 6 and len(items) == 30
    for spec in SPEC["domains"]:
        domain = domains[spec["number"]]
        assert (domain.sdmx_code, domain.name, domain.proxy, domain.question) == (
            spec["sdmx"],
            spec["name"],
            spec["proxy"],
            spec["question"],
        )
        for item_spec in spec["items"]:
            item = items.pop(item_spec["code"])
            assert item.text == item_spec["text"]
            assert item.domain_id == domain.pk
            assert item.response_set.code == spec["response_set"]
    assert items == {}
    for set_code, options in SPEC["response_sets"].items():
        stored = list(
            ResponseOption.objects.filter(
                response_set__version=instrument, response_set__code=set_code
            )
        )
        assert [(o.code, o.label, o.value) for o in stored] == [
            (o["code"], o["label"], Decimal(o["value"])) for o in options
        ]


def test_items_keep_the_instrument_order(instrument):
    codes = list(Item.objects.filter(version=instrument).values_list("code", flat=True))
    assert codes == [i["code"] for d in SPEC["domains"] for i in d["items"]]


def test_the_country_list_equals_the_reference_file(all_countries):
    with COUNTRIES_FILE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    stored = {
        c.m49: c
        for c in Country.objects.select_related(
            "sdg_region", "m49_subregion", "intermediate_region"
        )
    }
    assert len(rows) == len(stored) == 197
    for row in rows:
        country = stored[row["m49"]]
        assert (country.iso3, country.iso2, country.name, country.name_fr, country.name_es) == (
            row["iso3"],
            row["iso2"],
            row["name_en"],
            row["name_fr"],
            row["name_es"],
        )
        assert country.un_status == row["un_status"]
        assert country.sdg_region.m49 == row["sdg_region_code"]
        assert country.m49_subregion.m49 == row["m49_subregion_code"]
        assert (country.intermediate_region.m49 if country.intermediate_region else "") == row[
            "m49_intermediate_region_code"
        ]


def test_sdg_region_totals_match_the_un_metadata(all_countries):
    totals = Counter(Country.objects.values_list("sdg_region__name", flat=True))
    assert totals == {
        "Sub-Saharan Africa": 48,
        "Northern Africa and Western Asia": 24,
        "Central and Southern Asia": 14,
        "Eastern and South-Eastern Asia": 16,
        "Latin America and the Caribbean": 33,
        "Oceania (excluding Australia and New Zealand)": 14,
        "Australia and New Zealand": 2,
        "Europe and Northern America": 46,
    }
    assert Counter(Country.objects.values_list("un_status", flat=True)) == {
        "member": 193,
        "observer": 2,
        "non-member": 2,
    }


def test_world_and_every_kind_of_region_exist_as_data(all_countries):
    assert Region.objects.get(kind=Region.Kind.WORLD).m49 == "001"
    assert Region.objects.filter(kind=Region.Kind.SDG).count() == 8
    assert Region.objects.filter(kind=Region.Kind.M49_REGION).count() == 5
    assert Region.objects.filter(kind=Region.Kind.M49_SUBREGION).exists()


@pytest.mark.django_db
def test_loading_the_reference_data_twice_changes_nothing():
    load_countries()
    load_rounds()
    before = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Country, Region, Round, Item, Domain, ResponseOption)
    }
    load_countries()
    load_rounds()
    after = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Country, Region, Round, Item, Domain, ResponseOption)
    }
    assert after == before


@pytest.mark.django_db
def test_the_twelfth_and_thirteenth_inquiry_are_published_and_no_demo_round_is_reference_data():
    load_rounds()
    rounds = {r.reference_year: r for r in Round.objects.all()}
    assert set(rounds) == {2019, 2021}
    assert rounds[2019].name.startswith("Twelfth Inquiry")
    assert rounds[2021].name.startswith("Thirteenth Inquiry")
    assert list(rounds[2021].carries_forward.all()) == [rounds[2019]]
    assert {r.state for r in rounds.values()} == {Round.State.PUBLISHED}
    assert not any(r.is_demo for r in rounds.values())
    # Published through the review services, as the system, with the reason recorded.
    events = rounds[2021].events.order_by("pk")
    assert [e.action for e in events] == ["opened", "closed", "published"]
    assert all(e.actor is None and e.reason for e in events)
    assert rounds[2021].releases.get().number == 1


def test_the_scoring_engine_knows_the_same_items_options_and_codes_as_the_methodology_file():
    from scoring.engine import DOMAINS

    assert [(d.number, d.sdmx) for d in DOMAINS] == [
        (d["number"], d["sdmx"]) for d in SPEC["domains"]
    ]
    for engine_domain, spec in zip(DOMAINS, SPEC["domains"], strict=True):
        assert list(engine_domain.item_codes) == [i["code"] for i in spec["items"]]
        options = SPEC["response_sets"][spec["response_set"]]
        assert dict(engine_domain.option_values) == {
            o["code"]: int(Decimal(o["value"]) * 2) for o in options
        }
