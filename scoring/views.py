"""Results pages: rounds, a round's aggregates, and the explanation of one country's result."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policyindex.access import (
    aggregate_regions_visible_to,
    can_download_country_profile,
    can_download_round_report,
    can_view_round_aggregates,
    countries_visible_to,
    is_public_round,
    visible_country_or_404,
)
from questionnaire.models import Round
from scoring import selectors, tables
from scoring.models.choices import BREAKDOWNS, OVERALL, Category
from scoring.rule_labels import threshold_rule_label

# The open-data downloads of a published round (results:download), in the order offered.
OPEN_DATA_FORMATS = (
    ("csv", gettext_lazy("Country results (CSV)")),
    ("aggregates-csv", gettext_lazy("Aggregates (CSV)")),
    ("sdmx-csv", gettext_lazy("SDMX-CSV")),
    ("open-sdg", gettext_lazy("Open SDG (CSV)")),
)


@login_required
def index(request):
    rounds = [
        {
            "round": r,
            "aggregates": can_view_round_aggregates(request.user, r),
            "downloads": _round_downloads(request.user, r),
        }
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
    country_rows = selectors.country_rows(aggregates=aggregates, countries=countries)
    numbers = tables.NumberFormat.active()
    context = {
        "round": round_,
        "aggregates": aggregates,
        "breakdown": breakdown,
        "measures": _measures(round_),
        "categories": Category.choices,
        "rows": rows,
        "aggregate_table": tables.aggregate_table_rows(rows, numbers=numbers),
        "all_regions_visible": visible_regions is None,
        "country_rows": country_rows,
        "country_table": tables.country_table_rows(
            country_rows,
            country_urls={
                r.pk: reverse(
                    "scoring:country",
                    kwargs={"round_code": r.code, "iso3": tables.ISO3_PLACEHOLDER},
                )
                for r in aggregates.rounds
            },
            category_labels={value: str(label) for value, label in Category.choices},
            source_labels={key: str(label) for key, label in selectors.SOURCE_LABELS.items()},
        ),
        "downloads": _round_downloads(request.user, round_),
    }
    return render(request, "scoring/round_results.html", context)


@login_required
def country_result(request, round_code: str, iso3: str):
    round_ = get_object_or_404(Round.objects.select_related("version"), code=round_code)
    country = visible_country_or_404(request.user, iso3=iso3.upper())
    explanation = selectors.explain_country_round(round=round_, country=country)
    numbers = tables.NumberFormat.active()
    not_answered = _("Not answered: counted as 0")
    return render(
        request,
        "scoring/country_result.html",
        {
            "explanation": explanation,
            "round": round_,
            "country": country,
            "record": explanation.record,
            "domain_tables": [
                (
                    row,
                    tables.answer_table_rows(
                        row["items"], numbers=numbers, not_answered=not_answered
                    ),
                )
                for row in explanation.domain_rows
            ],
            "rules": [
                (code, label, threshold_rule_label(code)) for code, label in Category.choices
            ],
            "overall_rule": threshold_rule_label(explanation.record.category)
            if explanation.record
            else "",
            "profile_url": reverse(
                "results:country-profile", kwargs={"round_code": round_.code, "iso3": country.iso3}
            )
            if can_download_country_profile(request.user, round_, country)
            else None,
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


def _round_downloads(user, round_: Round) -> list[tuple[str, str]]:
    """(URL, label) of what the user may take away of the round: its Excel report, and once the
    round is published its public page and open data."""
    links = []
    if can_download_round_report(user, round_):
        links.append(
            (
                reverse("results:round-report", kwargs={"round_code": round_.code}),
                _("Round report (Excel)"),
            )
        )
    if is_public_round(round_):
        links.append(
            (reverse("results:round", kwargs={"round_code": round_.code}), _("Public results page"))
        )
        links += [
            (
                reverse("results:download", kwargs={"round_code": round_.code, "fmt": fmt}),
                str(label),
            )
            for fmt, label in OPEN_DATA_FORMATS
        ]
    return links
