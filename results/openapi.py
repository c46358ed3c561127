"""The OpenAPI 3.1 description of the JSON API, built as a dict.

Its schemas are strict (no property they do not name), and the tests validate real answers against
them: a field added to an answer without its description fails the tests.
"""

from scoring.models.choices import BREAKDOWNS, DOMAIN_BREAKDOWNS

from .api_data import API_VERSION, SHARE_DECIMALS


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, *, description: str = "") -> dict:
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _nullable(schema: dict) -> dict:
    return {"oneOf": [schema, {"type": "null"}]}


def _array(items: dict) -> dict:
    return {"type": "array", "items": items}


_STRING = {"type": "string"}
_COUNT = {"type": "integer", "minimum": 0}
_SHARE = _nullable(
    {
        "type": "number",
        "minimum": 0,
        "maximum": 1,
        "description": f"A proportion (0 to 1) rounded half up to {SHARE_DECIMALS} decimals; "
        "null when no country responded.",
    }
)
_URL = {"type": "string", "format": "uri"}

SCHEMAS = {
    "Error": _object({"error": _STRING}),
    "Names": _object(
        {"en": _STRING, "fr": _STRING, "es": _STRING},
        description="A name in English, French and Spanish (English where no translation).",
    ),
    "Category": _object(
        {
            "code": {"type": "integer", "enum": [1, 2, 3, 4]},
            "label": {
                **_STRING,
                "description": "1 requires further progress, 2 partially meets, 3 meets, 4 fully "
                "meets; in the answer's language.",
            },
        }
    ),
    "Region": _object(
        {
            "kind": {**_STRING, "description": "world, sdg, m49_region, m49_subregion, …"},
            "kind_label": _STRING,
            "m49": {"type": "string", "pattern": "^[0-9]{3}$"},
            "name": _ref("Names"),
        }
    ),
    "Country": _object(
        {
            "m49": {"type": "string", "pattern": "^[0-9]{3}$"},
            "iso3": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "iso2": {"type": "string", "pattern": "^[A-Z]{2}$"},
            "name": _ref("Names"),
            "regions": _array(_ref("Region")),
            "links": _object({"self": _URL}),
        }
    ),
    "Release": _object(
        {
            "number": {"type": "integer", "minimum": 1},
            "published_at": {"type": "string", "format": "date-time"},
            "methodology_version": _STRING,
        },
        description="The frozen figures of the round's publication that the answer reads; a "
        "revision writes a new release with a higher number.",
    ),
    "Round": _object(
        {
            "code": _STRING,
            "name": _ref("Names"),
            "reference_year": {"type": "integer"},
            "is_demo": {"type": "boolean", "description": "Made-up demo data, not real results."},
            "release": _ref("Release"),
            "links": _object({"self": _URL, "countries": _URL, "aggregates": _URL, "page": _URL}),
        }
    ),
    "RoundReference": _object({"code": _STRING, "reference_year": {"type": "integer"}}),
    "Result": _object(
        {
            "source": {
                "type": "string",
                "enum": ["computed", "published"],
                "description": "computed from validated answers, or published by the UN and "
                "imported.",
            },
            "source_label": _STRING,
            "source_round": _ref("RoundReference"),
            "overall": _nullable(_ref("Category")),
            "domains": {
                **_array(
                    _object(
                        {
                            "code": {"type": "string", "enum": list(DOMAIN_BREAKDOWNS)},
                            "label": _STRING,
                            "category": _nullable(_ref("Category")),
                        }
                    )
                ),
                "minItems": len(DOMAIN_BREAKDOWNS),
                "maxItems": len(DOMAIN_BREAKDOWNS),
            },
        }
    ),
    "Measure": _object(
        {
            "code": {"type": "string", "enum": list(BREAKDOWNS)},
            "label": _STRING,
            "responding": _COUNT,
            "categories": {
                **_array(
                    _object(
                        {
                            "code": {"type": "integer", "enum": [1, 2, 3, 4]},
                            "label": _STRING,
                            "count": _COUNT,
                            "share": _SHARE,
                        }
                    )
                ),
                "minItems": 4,
                "maxItems": 4,
            },
            "meeting": {**_COUNT, "description": "Countries that meet or fully meet."},
            "share_meeting": _SHARE,
        }
    ),
    "Aggregate": _object(
        {
            "region": _ref("Region"),
            "invited": {**_COUNT, "description": "Countries of the region invited to answer."},
            "respondents": {**_COUNT, "description": "Countries with an overall result."},
            "breakdowns": _array(_ref("Measure")),
        }
    ),
    "Index": _object(
        {
            "api_version": _STRING,
            "links": _object(
                {"documentation": _URL, "openapi": _URL, "rounds": _URL, "countries": _URL}
            ),
        }
    ),
    "RoundList": _object({"rounds": _array(_ref("Round"))}),
    "RoundDetail": _object(
        {
            "round": _ref("Round"),
            "headline": _object(
                {
                    "region": _ref("Region"),
                    "invited": _COUNT,
                    "responding": _COUNT,
                    "meeting": _COUNT,
                    "share_meeting": _SHARE,
                },
                description="The share of responding countries that meet or fully meet.",
            ),
            "from_rounds": _array(
                _object({"round": _ref("RoundReference"), "countries": _COUNT}),
            ),
        }
    ),
    "RoundCountries": _object(
        {
            "round": _ref("Round"),
            "countries": _array(_object({"country": _ref("Country"), "result": _ref("Result")})),
        }
    ),
    "RoundAggregates": _object(
        {
            "round": _ref("Round"),
            "share_decimals": {"type": "integer", "const": SHARE_DECIMALS},
            "aggregates": _array(_ref("Aggregate")),
        }
    ),
    "CountryList": _object({"countries": _array(_ref("Country"))}),
    "CountryDetail": _object(
        {
            "country": _ref("Country"),
            "rounds": _array(
                _object({"round": _ref("Round"), "result": _nullable(_ref("Result"))})
            ),
        }
    ),
}

_LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "The language of labels (otherwise the Accept-Language header's).",
    "schema": {"type": "string", "enum": ["en", "fr", "es"]},
}
_ROUND_CODE = {
    "name": "round_code",
    "in": "path",
    "required": True,
    "description": "A published round's code, e.g. inquiry-13-2021.",
    "schema": {"type": "string"},
}
_ISO3 = {
    "name": "iso3",
    "in": "path",
    "required": True,
    "description": "A country's ISO 3166-1 alpha-3 code, e.g. SEN.",
    "schema": {"type": "string"},
}


def _json_content(schema: str) -> dict:
    return {"application/json": {"schema": _ref(schema)}}


def _operation(operation_id: str, summary: str, schema: str, *, parameters=(), missing="") -> dict:
    responses = {
        "200": {
            "description": "OK",
            "headers": {
                "ETag": {"schema": {"type": "string"}},
                "Access-Control-Allow-Origin": {"schema": {"type": "string", "const": "*"}},
            },
            "content": _json_content(schema),
        },
        "304": {"description": "Not modified since the ETag sent in If-None-Match."},
        "400": {"description": "Unknown language.", "content": _json_content("Error")},
    }
    if missing:
        responses["404"] = {"description": missing, "content": _json_content("Error")}
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [*parameters, _LANG],
            "responses": responses,
        }
    }


PATHS = {
    "/": _operation("index", "Links to the endpoints.", "Index"),
    "/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This document.",
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    },
    "/rounds/": _operation("listRounds", "The published rounds.", "RoundList"),
    "/rounds/{round_code}/": _operation(
        "getRound",
        "One published round and its world headline.",
        "RoundDetail",
        parameters=[_ROUND_CODE],
        missing="No published round with this code.",
    ),
    "/rounds/{round_code}/countries/": _operation(
        "getRoundCountries",
        "Each country's result in the round's release (own or carried forward).",
        "RoundCountries",
        parameters=[_ROUND_CODE],
        missing="No published round with this code.",
    ),
    "/rounds/{round_code}/aggregates/": _operation(
        "getRoundAggregates",
        "Per region and grouping: invited, respondents, count and share of each category.",
        "RoundAggregates",
        parameters=[_ROUND_CODE],
        missing="No published round with this code.",
    ),
    "/countries/": _operation("listCountries", "The countries.", "CountryList"),
    "/countries/{iso3}/": _operation(
        "getCountry",
        "One country's result in every published round.",
        "CountryDetail",
        parameters=[_ISO3],
        missing="No country with this ISO3 code.",
    ),
}


def openapi_document(*, server_url: str = "/api/v1") -> dict:
    """The OpenAPI 3.1 description, with the API's own address as its server."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "policyindex: SDG indicator 10.7.2 published results",
            "version": API_VERSION,
            "description": (
                "Read-only published results of SDG indicator 10.7.2 (countries with "
                "well-managed migration policies): rounds of the UN Inquiry, each country's "
                "category overall and per policy domain, and the aggregates of every region. "
                "Only published rounds, as their frozen release froze them. Shares are "
                f"proportions rounded half up to {SHARE_DECIMALS} decimals, given with the "
                "counts they come from."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
