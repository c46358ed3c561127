"""Results pages: rounds, a round's aggregates, and the explanation of one country's result."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from policyindex.access import (
    aggregate_regions_visible_to,
    can_view_round_aggregates,
    countries_visible_to,
    visible_country_or_404,
)
from questionnaire.models import Round
from scoring import selectors
from scoring.models.choices import BREAKDOWNS, OVERALL, Category
from scoring.rule_labels import threshold_rule_label


@login_required
def index(request):
    rounds = [
        {"round": r, "aggregates": can_view_round_aggregates(request.user, r)}
        for r in Round.objects.prefetch_related("carries_forward")
    ]
    return render(request, "scoring/index.html", {"rounds": rounds})


@login_required
def round_results(request, round_code: str):
    round_ = get_object_or_404(Round.objects.select_related("version"), code=round_code)
    if not can_view_round_aggregates(request.user, round_):
        raise Http404
    breakdown = request.GET.get("measure", OVERALL)
    if breakdown not in BREAKDOWNS:
        breakdown = OVERALL
    aggregates = selectors.round_aggregates(round=round_)
    rows = selectors.aggregate_rows(aggregates=aggregates, breakdown=breakdown)
    visible_regions = aggregate_regions_visible_to(request.user, round_)
    if visible_regions is not None:
        rows = [row for row in rows if row["region"].pk in visible_regions]
    countries = countries_visible_to(request.user).order_by("name")
    context = {
        "round": round_,
        "aggregates": aggregates,
        "breakdown": breakdown,
        "measures": _measures(round_),
        "categories": Category.choices,
        "rows": rows,
        "all_regions_visible": visible_regions is None,
        "country_rows": selectors.country_rows(aggregates=aggregates, countries=countries),
    }
    return render(request, "scoring/round_results.html", context)


@login_required
def country_result(request, round_code: str, iso3: str):
    round_ = get_object_or_404(Round.objects.select_related("version"), code=round_code)
    country = visible_country_or_404(request.user, iso3=iso3.upper())
    explanation = selectors.explain_country_round(round=round_, country=country)
    return render(
        request,
        "scoring/country_result.html",
        {
            "explanation": explanation,
            "round": round_,
            "country": country,
            "record": explanation.record,
            "rules": [
                (code, label, threshold_rule_label(code)) for code, label in Category.choices
            ],
            "overall_rule": threshold_rule_label(explanation.record.category)
            if explanation.record
            else "",
        },
    )


def _measures(round_: Round) -> list[tuple[str, str]]:
    domains = {d.sdmx_code: d for d in round_.version.domains.all()}
    measures = [(OVERALL, _("Overall"))]
    for code in BREAKDOWNS[1:]:
        domain = domains.get(code)
        label = f"{domain.number}. {domain.display_name}" if domain else code
        measures.append((code, label))
    return measures
