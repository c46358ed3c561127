"""A forged address carrying a character the database cannot store (a NUL byte) is refused with a
clear page, never a server error: every URL of the project, its query strings, and the admin's
search and list filters, as an administrator, on whichever database the suite runs on."""

import re

import pytest
from django.contrib import admin
from django.urls import URLResolver, get_resolver

from policyindex.middleware.unstorable import has_unstorable_character
from tests.factories import AdministratorFactory, CountryFactory, RoundFactory
from tests.questionnaire.factories import SubmissionFactory

NUL = "a%00b"
ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
QUERY_WITH_NUL = "?q=%00&o=%00&p=%00&x=%00&next=%00&measure=%00&%00=1"


def every_route(patterns=None, prefix=""):
    """Each URL pattern of the project as one template string, parameters as ``{name}``."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from every_route(pattern.url_patterns, text)
            continue
        text = ROUTE_PARAMETER.sub(r"{\1}", text)
        text = REGEX_GROUP.sub(r"{\1}", text).replace("^", "").replace("$", "")
        yield "/" + text


ROUTES = sorted(set(every_route()))


def addresses(route, real):
    """The route with every parameter forged, then with each one forged in turn (the others
    real, so the view gets as far as querying with it), then real with a forged query string."""
    names = ROUTE_PARAMETER.findall(route.replace("{", "<").replace("}", ">"))
    fill = {name: real.get(name, "x") for name in names}
    if names:
        yield route.format(**dict.fromkeys(names, NUL))
    for name in names:
        yield route.format(**{**fill, name: NUL})
    yield route.format(**fill) + QUERY_WITH_NUL


@pytest.fixture
def logged_in_administrator(client, instrument):
    round_ = RoundFactory(version=instrument, code="round-real")
    country = CountryFactory(iso3="KEN")
    SubmissionFactory(round=round_, country=country)
    client.force_login(AdministratorFactory())
    return client, {
        "round_code": round_.code,
        "iso3": country.iso3,
        "item_code": "1a",
        "app_label": "questionnaire",
        "object_id": str(country.pk),
    }


def test_the_crawl_covers_the_project_and_the_admin():
    assert "/countries/{iso3}/" in ROUTES
    assert "/admin/geography/country/{object_id}/change/" in ROUTES
    assert len(ROUTES) > 50


def test_no_address_with_an_unstorable_character_causes_a_server_error(logged_in_administrator):
    client, real = logged_in_administrator
    answers = {}
    for route in ROUTES:
        for address in addresses(route, real):
            answers[address] = client.get(address).status_code
    refused = {address: status for address, status in answers.items() if status not in (400, 404)}
    assert refused == {}


def test_admin_search_and_list_filters_with_an_unstorable_character_are_refused(
    logged_in_administrator,
):
    client, _ = logged_in_administrator
    answers = {}
    for model, model_admin in admin.site._registry.items():
        changelist = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        queries = ["?q=%00", "?o=%00", "?p=%00"]
        queries += [
            f"?{name}__exact=%00" for name in model_admin.list_filter if isinstance(name, str)
        ]
        for query in queries:
            answers[changelist + query] = client.get(changelist + query).status_code
    assert set(answers.values()) == {400}


def test_the_refusal_is_a_translated_page(logged_in_administrator):
    client, real = logged_in_administrator
    client.cookies["django_language"] = "fr"
    response = client.get(f"/countries/{NUL}/")
    assert response.status_code == 400
    assert '<html lang="fr">' in response.content.decode()


def test_a_valid_address_still_works(logged_in_administrator):
    client, real = logged_in_administrator
    assert client.get(f"/countries/{real['iso3']}/").status_code == 200
    assert client.get("/admin/geography/country/?q=Ken").status_code == 200


@pytest.mark.parametrize("value", ["\x00", "abc\x00", "\ud800", "x\udfffy"])
def test_nul_bytes_and_lone_surrogates_are_unstorable(value):
    assert has_unstorable_character(value)


@pytest.mark.parametrize("value", ["", "Kenya", "Côte d'Ivoire", "日本", "😀", "\ufffd"])
def test_ordinary_text_is_storable(value):
    assert not has_unstorable_character(value)


def test_percent_encoded_surrogates_cause_no_server_error(logged_in_administrator):
    client, real = logged_in_administrator
    for address in (
        "/countries/%ED%A0%80/",
        f"/results/{real['round_code']}/%ED%A0%80/",
        "/admin/geography/country/?q=%ED%A0%80",
    ):
        assert client.get(address).status_code in (200, 400, 404), address
