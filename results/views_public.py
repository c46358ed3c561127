"""The public results pages: no login, published rounds only (``policyindex.access``), read from
each round's frozen release."""

from django.core.cache import cache
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from geography.models import Country
from policyindex import access
from scoring.models import Release

from . import page_cache, public, tables

# A release never changes (a revision is a new release, hence a new key); names of countries and
# regions may be corrected, so a cached page body is kept an hour only.
BODY_SECONDS = 60 * 60


def rounds_page(request):
    return render(request, "results/rounds.html", {"summaries": public.published_round_summaries()})


def round_page(request, round_code):
    if page_cache.cacheable(request):
        # One small query names the round's newest release, the key of the whole page.
        release_id = access.public_release_id(round_code)
        if release_id is not None:
            return page_cache.anonymous_page(
                request,
                key=f"round:{release_id}",
                template="results/round.html",
                context=lambda: _round_context_of_release(request, release_id),
                seconds=BODY_SECONDS,
            )
    round_ = public.public_round_or_404(round_code)
    release = (
        Release.objects.filter(round=round_)
        .order_by("-number")
        .only("pk", "number", "published_at", "round_id")
        .first()
    )
    return render(request, "results/round.html", _round_context(request, round_, release))


def _round_context_of_release(request, release_id: int) -> dict:
    release = (
        Release.objects.select_related("round__version").defer("aggregates").get(pk=release_id)
    )
    return _round_context(request, release.round, release)


def _round_context(request, round_, release) -> dict:
    """The page's context; its body (charts, tables, map data) is cached per release and language,
    for signed-in people too."""
    key = f"results:public-round:{release.pk if release else 'none'}:{get_language()}"
    body = cache.get(key) if release else None
    if body is None:
        page = public.round_page(round_)
        context = {
            "round": round_,
            "release": release,
            **page,
            # The long tables' rows as HTML strings: through the template language they cost as
            # much as building the page.
            "coverage_table": tables.coverage_rows(page["coverage"]),
            "distributions": [
                (chart, tables.distribution_rows(chart["data"]["regions"]))
                for chart in page["distributions"]
            ],
            "country_table": tables.country_rows(page["rows"]),
        }
        body = render_to_string("results/includes/round_body.html", context, request=request)
        if release is not None:
            cache.set(key, body, BODY_SECONDS)
    # Our own template's output.
    return {"round": round_, "release": release, "body": mark_safe(body)}  # noqa: S308


def country_page(request, iso3):
    country = get_object_or_404(Country.objects.select_related("sdg_region"), iso3=iso3.upper())
    return render(
        request,
        "results/country.html",
        {"country": country, **public.country_history(country)},
    )
