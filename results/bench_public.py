"""`make bench` measures of the public results pages, as an anonymous visitor through the test
client, against the UN's real 2021 figures (138 countries with a result).

1. The public page of a round against a bare Django view through the same client, in the same run
   (target 4x): as visitors get it, its body cached per release and language. Its floor is
   measured beside it: the same query, one cache read of the same bytes, nothing else.
2. The same page with its cache emptied before every call, against the selector that feeds it
   (``results.public.round_page``, in the page's language: the release's aggregates, the
   countries, the charts' data; target 2x): what the first visitor after a publication, or in a
   new language, waits for.
3. One country's page with 197 countries and with 2,000 (the release holding a result for each):
   the larger against the smaller (target 1.2x), with the same query count.

This module is also the URLconf of the run: the project's URLs and the bare view.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse
from django.utils import translation

from fixtures.published import load_un_published_results
from geography.models import Country
from kernel.benchmarking import Result, best_time, compare, query_count
from policyindex import access
from questionnaire.models import Round
from scoring.models import ReleaseResult
from scoring.selectors import published_release, round_aggregates

from . import public

ROUND = "inquiry-13-2021"
COUNTRY = "KEN"
BARE = "bare Django view (same client, anonymous)"


def bare_view(request):
    return HttpResponse("ok")


# The page as the cache holds it, set by the measure.
FLOOR_PAGE = {"key": ""}


def public_round_floor(request, round_code):
    """The least the cached public page can do: the one query naming the round's release, one
    cache read of the page's bytes, those bytes sent back (no security token put in)."""
    access.public_release_id(round_code)
    return HttpResponse(cache.get(FLOOR_PAGE["key"]))


urlpatterns = [
    path("bench/public-bare/", bare_view),
    path("bench/public-round-floor/<slug:round_code>/", public_round_floor),
    path("", include("policyindex.urls")),
]


def _get(client: Client, url: str, marker: bytes):
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert marker in response.content

    return get


def _code(n: int) -> str:
    return f"{chr(65 + n // 100)}{n % 100:02d}"


def _more_countries(total: int) -> None:
    """Countries up to ``total``, each with a result in the round's release (as if the indicator
    covered that many areas), written in bulk."""
    template = Country.objects.get(iso3=COUNTRY)
    have = Country.objects.count()
    extra = Country.objects.bulk_create(
        Country(
            # A letter and two digits: never a real M49 (digits) or ISO alpha-3 (letters) code.
            m49=_code(n),
            iso3=_code(n),
            iso2="ZZ",
            name=f"Bench country {n}",
            un_status=Country.UNStatus.MEMBER,
            m49_region_id=template.m49_region_id,
            m49_subregion_id=template.m49_subregion_id,
            sdg_region_id=template.sdg_region_id,
        )
        for n in range(total - have)
    )
    round_ = Round.objects.get(code=ROUND)
    release = published_release(round_)
    ReleaseResult.objects.bulk_create(
        ReleaseResult(
            release=release,
            country=country,
            source_round=round_,
            source=ReleaseResult.PUBLISHED,
            breakdown="_T",
            category=n % 4 + 1,
        )
        for n, country in enumerate(extra)
    )


def _round_selector(round_: Round):
    def select():
        # An anonymous visitor without a language preference gets the default language.
        with translation.override(settings.LANGUAGE_CODE):
            return public.round_page(round_)

    return select


def public_pages() -> list[Result]:
    load_un_published_results()
    round_ = Round.objects.get(code=ROUND)
    assert round_aggregates(round=round_).world.measure("_T").responding == 138
    client = Client()
    round_url = reverse("results:round", args=[ROUND])
    country_url = reverse("results:country", args=[COUNTRY])
    bare = _get(client, "/bench/public-bare/", b"ok")
    round_page = _get(client, round_url, b'id="countries"')
    country_page = _get(client, country_url, b"country-chart")

    round_page()
    FLOOR_PAGE["key"] = "bench:public-round-floor"
    cache.set(FLOOR_PAGE["key"], client.get(round_url).content)
    floor = _get(client, f"/bench/public-round-floor/{ROUND}/", b'id="countries"')

    with override_settings(ROOT_URLCONF=__name__):
        results = [
            compare(
                "results.public_round_page_floor",
                floor,
                bare,
                target=4.0,
                baseline_name=BARE,
                note="the least the cached public page can do (its one query, one cache read of "
                "the same bytes, no token put in): the floor of results.public_round_page",
            ),
            compare(
                "results.public_round_page",
                round_page,
                bare,
                target=4.0,
                baseline_name=BARE,
                note="138 countries, 7 charts, the map's data and the sortable table; body cached "
                "per release and language",
            ),
            compare(
                "results.public_round_page_uncached",
                round_page,
                _round_selector(round_),
                target=2.0,
                prepare=cache.clear,
                baseline_name="results.public.round_page(round), the selector feeding the page "
                "(same language)",
                note="the page's cache emptied before every call",
            ),
        ]
        country_page()  # the questionnaire's wording is read once per process
        small_queries = query_count(country_page)
        small_times, large_times = [], []
        # Alternately, as compare() does, so that both see the same machine load: the extra
        # countries are written in a savepoint and rolled back after each timing.
        for _ in range(3):
            small_times.append(best_time(country_page))
            savepoint = transaction.savepoint()
            _more_countries(2000)
            assert Country.objects.count() == 2000
            large_queries = query_count(country_page)
            large_times.append(best_time(country_page))
            transaction.savepoint_rollback(savepoint)
        small, large = min(small_times), min(large_times)
    results.append(
        Result(
            name="results.public_country_page_2000_vs_197_countries",
            ratio=large / small,
            target=1.2,
            queries=large_queries,
            baseline="the same page with 197 countries",
            measured_ms=large * 1000,
            baseline_ms=small * 1000,
            baseline_queries=small_queries,
            query_counts={"197 countries": small_queries, "2000 countries": large_queries},
            note="one country's results in every published round, with its answers where any",
        )
    )
    return results


MEASURES = [public_pages]
