"""The access sweep: unpublished results never appear in a public page, download or API answer.

Every URL of the results app (read from the URL resolver, so a URL added later is swept too) is
tried for a published round and for a closed, unpublished round that holds validated results and
score records, as an anonymous visitor, as a focal point of another country and as an analyst
outside the region. The unpublished round's URLs answer 404; no other answer names it.
"""

import io
import zipfile

import openpyxl
import pytest
from django.urls import URLPattern, reverse

from geography.models import Region
from results import urls as results_urls
from tests.factories import AnalystFactory, FocalPointFactory
from tests.results.test_api import PUBLISHED, UNPUBLISHED, build_results

pytestmark = pytest.mark.django_db

# Every URL of the results app and what it shows; a URL missing here fails the sweep.
SWEPT = {
    "rounds": "public page: the published rounds",
    "round": "public page: one round",
    "country": "public page: one country in every round",
    "download": "open-data download of a round",
    "country-download": "open-data download of a country",
    "round-report": "Excel round report",
    "country-profile": "Excel country profile",
    "api-docs": "API documentation page",
    "api-index": "API: links",
    "api-openapi": "API: OpenAPI document",
    "api-rounds": "API: published rounds",
    "api-round": "API: one round",
    "api-round-countries": "API: a round's countries",
    "api-round-aggregates": "API: a round's aggregates",
    "api-countries": "API: the countries",
    "api-country": "API: one country",
}

# The formats each download URL takes (its ``fmt``).
FORMATS = {
    "download": ("csv", "aggregates-csv", "sdmx-csv", "open-sdg"),
    "country-download": ("csv", "open-sdg"),
}

# Analysts follow a round's report while it fills (policyindex.access.can_download_round_report):
# an analyst outside the region gets the unpublished round's report, but without the countries
# outside their scope.
ANALYSTS_FOLLOW_WHILE_UNPUBLISHED = {"round-report"}

# Senegal has results in both rounds; France only in the unpublished one.
COUNTRIES = ("SEN", "FRA")
SECRETS = (UNPUBLISHED, "Secret round")


def results_patterns() -> list[URLPattern]:
    return [p for p in results_urls.urlpatterns if isinstance(p, URLPattern)]


def swept_urls(round_code: str) -> list[tuple[str, str]]:
    """(URL name, URL) of every results URL; those taking a round, for ``round_code``."""
    urls = []
    for pattern in results_patterns():
        parameters = set(pattern.pattern.converters)
        unknown = parameters - {"round_code", "iso3", "fmt"}
        assert not unknown, f"{pattern.name}: teach the sweep the parameters {unknown}"
        choices = [{}]
        if "round_code" in parameters:
            choices = [{**c, "round_code": round_code} for c in choices]
        if "iso3" in parameters:
            choices = [{**c, "iso3": iso3} for c in choices for iso3 in COUNTRIES]
        if "fmt" in parameters:
            assert pattern.name in FORMATS, f"{pattern.name}: list its formats in FORMATS"
            choices = [{**c, "fmt": fmt} for c in choices for fmt in FORMATS[pattern.name]]
        for kwargs in choices:
            urls.append((pattern.name, reverse(f"results:{pattern.name}", kwargs=kwargs)))
    return urls


def readable_text(response) -> str:
    """What a person or program reads in the answer: a workbook's cell values, or the text."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK") and zipfile.is_zipfile(io.BytesIO(content)):
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content.decode("utf-8", errors="replace")


@pytest.fixture
def results(instrument, all_countries):
    return build_results(instrument)


def _visitors():
    """Who tries the URLs: nobody logged in, a focal point of another country (Norway), and an
    analyst of Latin America and the Caribbean (neither Senegal's nor France's region)."""
    from geography.models import Country

    focal_point = FocalPointFactory(countries=[Country.objects.get(iso3="NOR")])
    region = Region.objects.get(kind=Region.Kind.SDG, m49="419")
    analyst = AnalystFactory(regions=[region])
    return {"anonymous": None, "focal point of Norway": focal_point, "analyst of 419": analyst}


def test_every_results_url_is_in_the_sweep():
    names = {p.name for p in results_patterns()}

    assert names == set(SWEPT), (
        f"not swept: {sorted(names - set(SWEPT))}; gone: {sorted(set(SWEPT) - names)}"
    )
    assert swept_urls(UNPUBLISHED)  # every parameter is known to the sweep


def test_the_unpublished_round_appears_nowhere_to_anyone_outside(client, results):
    problems = []
    for who, user in _visitors().items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for name, url in swept_urls(UNPUBLISHED):
            response = client.get(url)
            takes_round = "round_code" in url_parameters(name)
            if who.startswith("analyst") and name in ANALYSTS_FOLLOW_WHILE_UNPUBLISHED:
                text = readable_text(response)
                problems.extend(
                    f"{who}: {url} shows {iso3}, outside the analyst's scope"
                    for iso3 in COUNTRIES
                    if iso3 in text
                )
                continue
            if takes_round and response.status_code != 404:
                problems.append(f"{who}: {url} answered {response.status_code}, not 404")
                continue
            if response.status_code == 200:
                text = readable_text(response)
                problems.extend(
                    f"{who}: {url} names the unpublished round ({secret!r})"
                    for secret in SECRETS
                    if secret in text
                )
    assert problems == []


def test_the_published_round_answers_everyone_without_the_unpublished_one(client, results):
    problems = []
    for who, user in _visitors().items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for _name, url in swept_urls(PUBLISHED):
            response = client.get(url)
            if response.status_code != 200:
                problems.append(f"{who}: {url} answered {response.status_code}, not 200")
                continue
            text = readable_text(response)
            problems.extend(
                f"{who}: {url} names the unpublished round ({secret!r})"
                for secret in SECRETS
                if secret in text
            )
    assert problems == []


def test_the_published_round_shows_its_results_in_the_api(client, results):
    """The sweep would pass on an API that answered nothing: the published figures are there."""
    response = client.get(reverse("results:api-round-countries", kwargs={"round_code": PUBLISHED}))

    assert {row["country"]["iso3"] for row in response.json()["countries"]} == {"SEN", "MLI", "GHA"}
    country = client.get(reverse("results:api-country", kwargs={"iso3": "FRA"})).json()
    assert all(entry["result"] is None for entry in country["rounds"])


def url_parameters(name: str) -> set[str]:
    pattern = next(p for p in results_patterns() if p.name == name)
    return set(pattern.pattern.converters)
