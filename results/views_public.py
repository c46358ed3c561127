"""The public results pages: no login, published rounds only (``policyindex.access``), read from
each round's frozen release."""

from django.core.cache import cache
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from geography.models import Country
from scoring.models import Release

from . import public

# A release never changes (a revision is a new release, hence a new key); names of countries and
# regions may be corrected, so a cached page body is kept an hour only.
BODY_SECONDS = 60 * 60


def rounds_page(request):
    return render(request, "results/rounds.html", {"summaries": public.published_round_summaries()})


def round_page(request, round_code):
    round_ = public.public_round_or_404(round_code)
    # The newest release, as scoring.selectors.published_release, without its aggregates (a large
    # JSON value the cached body does not need).
    release = (
        Release.objects.filter(round=round_)
        .order_by("-number")
        .only("pk", "number", "published_at", "round_id")
        .first()
    )
    language = get_language()
    key = f"results:public-round:{release.pk if release else 'none'}:{language}"
    body = cache.get(key) if release else None
    if body is None:
        context = {"round": round_, "release": release, **public.round_page(round_)}
        body = render_to_string("results/includes/round_body.html", context, request=request)
        if release is not None:
            cache.set(key, body, BODY_SECONDS)
    return render(
        request,
        "results/round.html",
        {"round": round_, "release": release, "body": mark_safe(body)},  # noqa: S308 (our own template's output)
    )


def country_page(request, iso3):
    country = get_object_or_404(Country.objects.select_related("sdg_region"), iso3=iso3.upper())
    return render(
        request,
        "results/country.html",
        {"country": country, **public.country_history(country)},
    )
