"""The read-only JSON API of published results, and its documentation page.

Thin views: each reads through ``results.api_data`` (a fixed number of queries) and answers JSON.
Only published rounds exist here: an unpublished or unknown round, like an unknown country, is a
JSON 404. Answers are public data: any origin may read them, shared caches may keep them a while,
and a client that sends back the ETag gets 304 when nothing changed.
"""

import hashlib
from dataclasses import dataclass
from functools import wraps

from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from policyindex import access
from policyindex.access import public_rounds
from scoring.models import Release
from scoring.models.choices import Breakdown, Category
from scoring.selectors import round_aggregates as compute_round_aggregates

from . import api_data
from .openapi import openapi_document

MAX_AGE = 300
# A release never changes, so its answers are kept: only names of countries and regions (reference
# data) could change under them, and those are read again after this long.
RELEASE_ANSWER_TIMEOUT = 3600
_ROUND_PLACEHOLDER = "round-code-placeholder"
_COUNTRY_PLACEHOLDER = "ISO3PLACEHOLDER"


class NotFound(Http404):
    pass


def _json(request, payload, *, status: int = 200) -> HttpResponse:
    if isinstance(payload, bytes):
        response = HttpResponse(payload, status=status, content_type="application/json")
    else:
        response = JsonResponse(
            payload, status=status, json_dumps_params={"ensure_ascii": False, "indent": None}
        )
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    patch_vary_headers(response, ("Accept-Language",))
    return response


def _error(request, status: int, message: str) -> JsonResponse:
    response = _json(request, {"error": message}, status=status)
    patch_cache_control(response, no_cache=True)
    return response


def api_endpoint(view):
    """GET and HEAD only; labels in ``?lang=`` or the Accept-Language language; JSON errors; public
    cache headers and an ETag of the answer."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = _error(request, 405, _("This API is read-only: use GET."))
            response["Allow"] = "GET, HEAD"
            return response
        language = request.GET.get("lang")
        if language is not None and language not in api_data.LANGUAGES:
            return _error(
                request,
                400,
                _("Unknown language %(language)s: use en, fr or es.") % {"language": language},
            )
        with translation.override(language or translation.get_language()):
            try:
                payload = view(request, *args, **kwargs)
            except Http404 as error:
                return _error(request, 404, str(error) or _("Not found."))
            if isinstance(payload, _Answer):
                response, etag = _json(request, payload.content), payload.etag
            else:
                response = _json(request, payload)
                etag = f'"{_fingerprint(response.content)}"'
        conditional = get_conditional_response(request, etag=etag)
        if conditional is not None:
            conditional["Access-Control-Allow-Origin"] = "*"
            response = conditional
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response

    return wrapper


def _fingerprint(content: bytes) -> str:
    # Blake2b is several times faster than SHA-256 here, and the ETag needs no more.
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def _absolute(request, name: str, **kwargs) -> str:
    return request.build_absolute_uri(reverse(name, kwargs=kwargs))


def _round_links(request) -> dict[str, str]:
    """Link templates of a round (``{code}``), reversed once per answer."""
    links = {
        "self": "results:api-round",
        "countries": "results:api-round-countries",
        "aggregates": "results:api-round-aggregates",
        "page": "results:round",
    }
    return {
        key: _absolute(request, name, round_code=_ROUND_PLACEHOLDER).replace(
            _ROUND_PLACEHOLDER, "{code}"
        )
        for key, name in links.items()
    }


def _country_link(request) -> str:
    return _absolute(request, "results:api-country", iso3=_COUNTRY_PLACEHOLDER).replace(
        _COUNTRY_PLACEHOLDER, "{iso3}"
    )


@dataclass(frozen=True)
class _Answer:
    """An answer's JSON with its ETag, kept together in the cache."""

    content: bytes
    etag: str


def _release_answer(request, view: str, release_id: int, build) -> _Answer:
    """The answer of ``view`` for a release (which never changes: a revision is a new release),
    built once per release, language and host (links are absolute) and then read from the cache."""
    key = ":".join(
        (
            "results-api",
            api_data.API_VERSION,
            view,
            str(release_id),
            translation.get_language() or "",
            hashlib.sha256(request.build_absolute_uri("/").encode()).hexdigest()[:16],
        )
    )
    answer = cache.get(key)
    if answer is None:
        release = Release.objects.select_related("round").defer("aggregates").get(pk=release_id)
        content = JsonResponse(
            build(release.round, release), json_dumps_params={"ensure_ascii": False}
        ).content
        answer = _Answer(content, f'"{_fingerprint(content)}"')
        cache.set(key, answer, RELEASE_ANSWER_TIMEOUT)
    return answer


def _published(round_code: str) -> int:
    """The newest release of the published round, or a 404 that says nothing of unpublished
    rounds."""
    release_id = access.public_release_id(round_code)
    if release_id is None:
        raise NotFound(_("No published round with the code %(code)s.") % {"code": round_code})
    return release_id


@require_safe
def docs(request):
    endpoints = [
        (reverse("results:api-index"), _("The links to every endpoint.")),
        (reverse("results:api-openapi"), _("The OpenAPI 3.1 description of the API.")),
        (reverse("results:api-rounds"), _("The published rounds, with their release.")),
        (
            reverse("results:api-round", kwargs={"round_code": "inquiry-13-2021"}),
            _("One published round and its world headline."),
        ),
        (
            reverse("results:api-round-countries", kwargs={"round_code": "inquiry-13-2021"}),
            _("Each country's result in the round's release, overall and per domain."),
        ),
        (
            reverse("results:api-round-aggregates", kwargs={"round_code": "inquiry-13-2021"}),
            _(
                "Per region and grouping: countries invited, respondents, the count and share of "
                "each category, overall and per domain."
            ),
        ),
        (reverse("results:api-countries"), _("The 197 countries with their codes and regions.")),
        (
            reverse("results:api-country", kwargs={"iso3": "SEN"}),
            _("One country's result in every published round."),
        ),
    ]
    return render(
        request,
        "results/api_docs.html",
        {
            "endpoints": endpoints,
            "openapi_url": reverse("results:api-openapi"),
            "categories": Category.choices,
            "breakdowns": Breakdown.choices,
            "share_decimals": api_data.SHARE_DECIMALS,
            "max_age": MAX_AGE,
        },
    )


@api_endpoint
def index(request):
    names = {
        "documentation": "results:api-docs",
        "openapi": "results:api-openapi",
        "rounds": "results:api-rounds",
        "countries": "results:api-countries",
    }
    return {
        "api_version": api_data.API_VERSION,
        "links": {key: _absolute(request, name) for key, name in names.items()},
    }


@api_endpoint
def openapi(request):
    return openapi_document(server_url=_absolute(request, "results:api-index").rstrip("/"))


@api_endpoint
def rounds(request):
    published = list(public_rounds())
    releases = api_data.newest_releases(published)
    links = _round_links(request)
    return {
        "rounds": [
            api_data.round_entry(round_, releases[round_.pk], links=links)
            for round_ in published
            if round_.pk in releases
        ]
    }


@api_endpoint
def round_detail(request, round_code):
    release_id = _published(round_code)

    def build(round_, release):
        aggregates = compute_round_aggregates(round=round_, frozen=True)
        return {
            "round": api_data.round_entry(round_, release, links=_round_links(request)),
            "headline": api_data.headline_entry(aggregates.world),
            "from_rounds": api_data.from_rounds_entry(aggregates.from_round_counts()),
        }

    return _release_answer(request, "round", release_id, build)


@api_endpoint
def round_countries(request, round_code):
    release_id = _published(round_code)

    def build(round_, release):
        results, source_rounds = api_data.release_results(release)
        return api_data.round_countries_entry(
            round_,
            release,
            countries=api_data.countries_with_regions(),
            results=results,
            source_rounds=source_rounds,
            round_links=_round_links(request),
            country_link=_country_link(request),
        )

    return _release_answer(request, "round-countries", release_id, build)


@api_endpoint
def round_aggregates(request, round_code):
    release_id = _published(round_code)

    def build(round_, release):
        aggregates = compute_round_aggregates(round=round_, frozen=True)
        return {
            "round": api_data.round_entry(round_, release, links=_round_links(request)),
            "share_decimals": api_data.SHARE_DECIMALS,
            "aggregates": [api_data.aggregate_entry(region) for region in aggregates.regions],
        }

    return _release_answer(request, "round-aggregates", release_id, build)


@api_endpoint
def countries(request):
    link = _country_link(request)
    return {
        "countries": [
            api_data.country_entry(country, link_template=link)
            for country in api_data.countries_with_regions()
        ]
    }


@api_endpoint
def country_detail(request, iso3):
    country = api_data.country_or_none(iso3)
    if country is None:
        raise NotFound(_("No country with the ISO3 code %(iso3)s.") % {"iso3": iso3})
    history = api_data.country_history(country)
    links = _round_links(request)
    return {
        "country": api_data.country_entry(country, link_template=_country_link(request)),
        "rounds": [
            {
                "round": api_data.round_entry(round_, history.releases[round_.pk], links=links),
                "result": (
                    api_data.result_entry(
                        history.results[round_.pk],
                        source_round=history.source_rounds[history.results[round_.pk].round_id],
                    )
                    if round_.pk in history.results
                    else None
                ),
            }
            for round_ in history.rounds
            if round_.pk in history.releases
        ],
    }
