"""The read-only JSON API of published results: what each endpoint answers for known data, its
errors, headers, languages, and answers valid against the OpenAPI description."""

from dataclasses import dataclass
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi_document
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from geography.models import Country
from questionnaire.models import Round
from results import api_data
from results.openapi import openapi_document
from review.services import rounds as round_services
from tests.factories import RoundFactory
from tests.scoring.factories import answers_for_overall, validated_submission

pytestmark = pytest.mark.django_db

PUBLISHED = "public-2031"
UNPUBLISHED = "secret-2033"


@dataclass
class Results:
    published: Round
    unpublished: Round
    small: Round


def _round_with(instrument, *, code: str, year: int, name: str, categories: dict, publish: bool):
    round_ = RoundFactory(version=instrument, code=code, reference_year=year, name=name)
    round_.name_fr = f"{name} (fr)"
    round_.save()
    for iso3, category in categories.items():
        validated_submission(
            round=round_,
            country=Country.objects.get(iso3=iso3),
            answers=answers_for_overall(category),
        )
    round_services.round_close(round=round_, by=None, reason="test data")
    if publish:
        round_services.round_publish(round=round_, by=None, reason="test data")
    round_.refresh_from_db()
    return round_


def build_results(instrument) -> Results:
    """A published round (Senegal meets, Mali fully meets, Ghana requires further progress), a
    smaller published round (Kenya meets), and a closed, unpublished round with validated results
    and score records of its own (France fully meets, Senegal partially meets)."""
    published = _round_with(
        instrument,
        code=PUBLISHED,
        year=2031,
        name="Public round",
        categories={"SEN": 3, "MLI": 4, "GHA": 1},
        publish=True,
    )
    small = _round_with(
        instrument,
        code="small-2032",
        year=2032,
        name="Small round",
        categories={"KEN": 3},
        publish=True,
    )
    unpublished = _round_with(
        instrument,
        code=UNPUBLISHED,
        year=2033,
        name="Secret round",
        categories={"FRA": 4, "SEN": 2},
        publish=False,
    )
    return Results(published=published, unpublished=unpublished, small=small)


@pytest.fixture
def results(instrument, all_countries):
    return build_results(instrument)


def get_json(client, name, **kwargs):
    query = kwargs.pop("query", {})
    headers = kwargs.pop("headers", {})
    response = client.get(reverse(f"results:{name}", kwargs=kwargs), query, headers=headers)
    return response, response.json() if response.get("Content-Type") == "application/json" else None


# --- The builders on their own -----------------------------------------------------------------


def test_shares_are_rounded_half_up_to_four_decimals():
    assert api_data.rounded_share(Fraction(1, 3)) == 0.3333
    assert api_data.rounded_share(Fraction(2, 3)) == 0.6667
    assert api_data.rounded_share(Fraction(86, 138)) == 0.6232
    assert api_data.rounded_share(Fraction(1, 8), decimals=2) == 0.13
    assert api_data.rounded_share(Fraction(1, 1)) == 1.0
    assert api_data.rounded_share(None) is None


def test_a_category_has_its_code_and_label_and_a_missing_one_is_null():
    assert api_data.category_entry(3) == {"code": 3, "label": "Meets"}
    assert api_data.category_entry(None) is None


def test_a_name_without_translation_falls_back_to_english():
    country = Country(name="Narnia", name_fr="Narnie", name_es="")
    assert api_data.names(country) == {"en": "Narnia", "fr": "Narnie", "es": "Narnia"}


# --- The endpoints -----------------------------------------------------------------------------


def test_the_index_links_every_endpoint_list(client, results):
    response, body = get_json(client, "api-index")

    assert response.status_code == 200
    assert body["links"]["rounds"] == "http://testserver" + reverse("results:api-rounds")
    assert body["links"]["openapi"].endswith("/api/v1/openapi.json")


def test_the_rounds_are_the_published_ones_with_their_release(client, results):
    response, body = get_json(client, "api-rounds")

    assert response.status_code == 200
    assert [r["code"] for r in body["rounds"]] == ["small-2032", PUBLISHED]
    public = body["rounds"][1]
    assert public["name"] == {"en": "Public round", "fr": "Public round (fr)", "es": "Public round"}
    assert public["reference_year"] == 2031
    assert public["is_demo"] is False
    assert public["release"]["number"] == 1
    assert public["release"]["methodology_version"]
    assert public["links"]["aggregates"] == "http://testserver" + reverse(
        "results:api-round-aggregates", kwargs={"round_code": PUBLISHED}
    )


def test_a_round_gives_its_world_headline(client, results):
    response, body = get_json(client, "api-round", round_code=PUBLISHED)

    assert response.status_code == 200
    headline = body["headline"]
    assert headline["region"]["kind"] == "world"
    assert (headline["invited"], headline["responding"], headline["meeting"]) == (197, 3, 2)
    assert headline["share_meeting"] == 0.6667
    assert body["from_rounds"] == [
        {"round": {"code": PUBLISHED, "reference_year": 2031}, "countries": 3}
    ]


def test_the_countries_of_a_round_carry_their_categories_overall_and_per_domain(client, results):
    response, body = get_json(client, "api-round-countries", round_code=PUBLISHED)

    assert response.status_code == 200
    by_iso3 = {row["country"]["iso3"]: row for row in body["countries"]}
    assert sorted(by_iso3) == ["GHA", "MLI", "SEN"]
    senegal = by_iso3["SEN"]
    assert senegal["country"]["m49"] == "686"
    assert senegal["country"]["name"]["fr"] == "Sénégal"
    assert senegal["result"]["overall"] == {"code": 3, "label": "Meets"}
    assert senegal["result"]["source"] == "computed"
    assert senegal["result"]["source_round"] == {"code": PUBLISHED, "reference_year": 2031}
    assert [d["code"] for d in senegal["result"]["domains"]] == [f"PD_{n}" for n in range(1, 7)]
    assert all(d["category"]["code"] in (1, 2, 3, 4) for d in senegal["result"]["domains"])
    assert by_iso3["GHA"]["result"]["overall"]["code"] == 1


def test_the_aggregates_count_each_category_with_rounded_shares(client, results):
    response, body = get_json(client, "api-round-aggregates", round_code=PUBLISHED)

    assert response.status_code == 200
    assert body["share_decimals"] == 4
    world = body["aggregates"][0]
    assert world["region"]["m49"] == "001"
    assert (world["invited"], world["respondents"]) == (197, 3)
    overall = world["breakdowns"][0]
    assert overall["code"] == "_T"
    assert [(c["code"], c["count"], c["share"]) for c in overall["categories"]] == [
        (1, 1, 0.3333),
        (2, 0, 0.0),
        (3, 1, 0.3333),
        (4, 1, 0.3333),
    ]
    assert (overall["meeting"], overall["share_meeting"]) == (2, 0.6667)
    assert [b["code"] for b in world["breakdowns"]] == ["_T", *[f"PD_{n}" for n in range(1, 7)]]
    europe = next(
        a for a in body["aggregates"] if a["region"]["name"]["en"] == "Europe and Northern America"
    )
    # A region where nobody responded: counts of zero and no share.
    assert europe["respondents"] == 0
    assert europe["breakdowns"][0]["share_meeting"] is None


def test_the_countries_are_the_197_with_their_codes_and_regions(client, results):
    response, body = get_json(client, "api-countries")

    assert response.status_code == 200
    assert len(body["countries"]) == 197
    senegal = next(c for c in body["countries"] if c["iso3"] == "SEN")
    assert senegal["iso2"] == "SN"
    assert "sdg" in {r["kind"] for r in senegal["regions"]}
    assert senegal["links"]["self"] == "http://testserver" + reverse(
        "results:api-country", kwargs={"iso3": "SEN"}
    )


def test_a_country_has_its_result_in_every_published_round_only(client, results):
    response, body = get_json(client, "api-country", iso3="sen")

    assert response.status_code == 200
    assert body["country"]["iso3"] == "SEN"
    rounds = {entry["round"]["code"]: entry["result"] for entry in body["rounds"]}
    assert set(rounds) == {PUBLISHED, "small-2032"}
    assert rounds[PUBLISHED]["overall"]["code"] == 3
    assert rounds["small-2032"] is None


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("api-round", {"round_code": UNPUBLISHED}),
        ("api-round-countries", {"round_code": UNPUBLISHED}),
        ("api-round-aggregates", {"round_code": UNPUBLISHED}),
        ("api-round", {"round_code": "no-such-round"}),
        ("api-round-aggregates", {"round_code": "no-such-round"}),
        ("api-country", {"iso3": "XYZ"}),
        ("api-country", {"iso3": "<script>"}),
    ],
)
def test_an_unpublished_or_unknown_round_or_country_is_a_json_404(client, results, name, kwargs):
    response, body = get_json(client, name, **kwargs)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(body) == {"error"} and body["error"]
    assert UNPUBLISHED not in response.content.decode() or kwargs.get("round_code") == UNPUBLISHED


def test_the_api_is_read_only(client, results):
    response = client.post(reverse("results:api-rounds"))

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert "error" in response.json()


def test_answers_are_public_json_for_any_origin_with_an_etag(client, results):
    response, _body = get_json(client, "api-round-aggregates", round_code=PUBLISHED)

    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert response["ETag"]

    again = client.get(
        reverse("results:api-round-aggregates", kwargs={"round_code": PUBLISHED}),
        headers={"if-none-match": response["ETag"]},
    )
    assert again.status_code == 304
    assert again.content == b""


def test_the_etag_changes_with_a_new_release(client, results):
    from scoring.services.releases import freeze_release

    url = reverse("results:api-round-countries", kwargs={"round_code": PUBLISHED})
    before = client.get(url)["ETag"]
    freeze_release(round=results.published, by=None, reason="revision")

    assert client.get(url, headers={"if-none-match": before}).status_code == 200


def test_labels_follow_the_language_asked_for(client, results):
    _response, french = get_json(
        client, "api-round-countries", round_code=PUBLISHED, query={"lang": "fr"}
    )
    _response, spanish = get_json(
        client,
        "api-round-countries",
        round_code=PUBLISHED,
        headers={"accept-language": "es"},
    )

    senegal_fr = next(r for r in french["countries"] if r["country"]["iso3"] == "SEN")
    senegal_es = next(r for r in spanish["countries"] if r["country"]["iso3"] == "SEN")
    assert senegal_fr["result"]["overall"] == {"code": 3, "label": "Satisfait"}
    assert senegal_es["result"]["overall"] == {"code": 3, "label": "Cumple"}


def test_an_unknown_language_is_a_clear_400(client, results):
    response, body = get_json(client, "api-rounds", query={"lang": "de"})

    assert response.status_code == 400
    assert "de" in body["error"]


def test_the_documentation_page_describes_the_api_in_the_users_language(client, results):
    response = client.get(reverse("results:api-docs"), headers={"accept-language": "fr"})

    assert response.status_code == 200
    assert reverse("results:api-openapi") in response.content.decode()
    assert "Satisfait" in response.content.decode()


# --- The OpenAPI description -------------------------------------------------------------------


def test_the_openapi_document_is_valid_openapi_3_1(client, results):
    response, document = get_json(client, "api-openapi")

    assert response.status_code == 200
    assert document["openapi"] == "3.1.0"
    validate_openapi_document(document)


def _schema_validator(document: dict, path: str, status: str = "200") -> Draft202012Validator:
    content = document["paths"][path]["get"]["responses"][status]["content"]
    schema = content["application/json"]["schema"]
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:policyindex-api", resource)
    ref = schema["$ref"].replace("#", "urn:policyindex-api#", 1)
    return Draft202012Validator({"$ref": ref}, registry=registry)


@pytest.mark.parametrize(
    "path, name, kwargs",
    [
        ("/", "api-index", {}),
        ("/rounds/", "api-rounds", {}),
        ("/rounds/{round_code}/", "api-round", {"round_code": PUBLISHED}),
        ("/rounds/{round_code}/countries/", "api-round-countries", {"round_code": PUBLISHED}),
        ("/rounds/{round_code}/aggregates/", "api-round-aggregates", {"round_code": PUBLISHED}),
        ("/countries/", "api-countries", {}),
        ("/countries/{iso3}/", "api-country", {"iso3": "SEN"}),
        ("/countries/{iso3}/", "api-country", {"iso3": "FRA"}),
    ],
)
def test_every_answer_matches_its_schema_in_the_openapi_document(
    client, results, path, name, kwargs
):
    document = openapi_document()
    for language in ("en", "fr"):
        response, body = get_json(client, name, query={"lang": language}, **kwargs)
        assert response.status_code == 200
        errors = list(_schema_validator(document, path).iter_errors(body))
        assert errors == [], [e.message for e in errors]


def test_a_404_matches_the_error_schema(client, results):
    document = openapi_document()
    response, body = get_json(client, "api-round", round_code=UNPUBLISHED)

    assert response.status_code == 404
    assert list(_schema_validator(document, "/rounds/{round_code}/", "404").iter_errors(body)) == []


def test_every_api_url_is_described_in_the_openapi_document():
    from results import urls_api

    document = openapi_document()
    described = {document["servers"][0]["url"] + p for p in document["paths"]}
    for pattern in urls_api.urlpatterns:
        if pattern.name == "api-docs":
            continue
        route = str(pattern.pattern).replace("<slug:", "{").replace("<str:", "{").replace(">", "}")
        assert "/" + route in described, route


# --- Queries --------------------------------------------------------------------------------------


def _queries(client, name, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"results:{name}", kwargs=kwargs))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["api-round", "api-round-countries", "api-round-aggregates"])
def test_a_round_answer_runs_the_same_queries_whatever_its_number_of_countries(
    client, results, name
):
    assert _queries(client, name, round_code=PUBLISHED) == _queries(
        client, name, round_code="small-2032"
    )


def test_a_country_answer_runs_the_same_queries_with_or_without_results(client, results):
    assert _queries(client, "api-country", iso3="SEN") == _queries(
        client, "api-country", iso3="NOR"
    )
