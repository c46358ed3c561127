"""What the public pages show, read from the frozen releases of published rounds only.

Which rounds are public is decided by ``policyindex.access`` (``public_rounds``,
``is_public_round``); this module only reads them. Every function runs a fixed number of queries,
whatever the number of countries.
"""

from dataclasses import dataclass, field
from fractions import Fraction

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from geography.models import Country, Region
from policyindex import access
from questionnaire.instrument_cache import version_items, version_texts
from questionnaire.models import Domain, Round
from scoring.models import Release, ReleaseResult, ScoreRecord
from scoring.models.choices import DOMAIN_BREAKDOWNS, OVERALL, Breakdown, Category
from scoring.selectors import COMPUTED, SOURCE_LABELS, MeasureAggregate, round_aggregates
from scoring.tables import NumberFormat

from . import charts


def public_round_or_404(round_code: str) -> Round:
    """The published round with this code; any other round (or none) is a 404."""
    round_ = (
        Round.objects.select_related("version").filter(code=round_code).first()
        if round_code
        else None
    )
    if round_ is None or not access.is_public_round(round_):
        raise Http404
    return round_


def latest_releases(rounds) -> dict[int, Release]:
    """Round id to its newest release (one query)."""
    latest: dict[int, Release] = {}
    for release in Release.objects.filter(round__in=rounds).order_by("round_id", "-number"):
        latest.setdefault(release.round_id, release)
    return latest


# --- The list of published rounds (the rounds page and the landing page) ----------------------


@dataclass
class RoundSummary:
    round: Round
    release: Release | None
    share_meeting: Fraction | None = None
    meeting: int = 0
    responding: int = 0


def _world_counts(release: Release | None) -> MeasureAggregate:
    counts = (release.aggregates if release else {}).get("world:001", {}).get(OVERALL)
    return MeasureAggregate(list(counts) if counts else [0, 0, 0, 0])


def published_round_summaries() -> dict[str, list[RoundSummary]]:
    """The published rounds, newest first, with the world headline their release froze; real
    rounds and demo rounds apart, so that made-up figures never sit among real ones (two queries)."""
    rounds = list(access.public_rounds())
    releases = latest_releases(rounds)
    summaries: dict[str, list[RoundSummary]] = {"real": [], "demo": []}
    for round_ in rounds:
        release = releases.get(round_.pk)
        world = _world_counts(release)
        summaries["demo" if round_.is_demo else "real"].append(
            RoundSummary(
                round=round_,
                release=release,
                share_meeting=world.share_meeting,
                meeting=world.meeting,
                responding=world.responding,
            )
        )
    return summaries


# --- One published round ------------------------------------------------------------------------


def measure_labels(domains) -> list[tuple[str, str]]:
    """(breakdown, label) for the overall measure and the six domains, in the active language."""
    by_code = {d.sdmx_code: d for d in domains}
    labels = [(OVERALL, _("Overall"))]
    for number, code in enumerate(DOMAIN_BREAKDOWNS, start=1):
        domain = by_code.get(code)
        labels.append((code, f"{number}. {domain.display_name}" if domain else code))
    return labels


def round_page(round_: Round) -> dict:
    """Everything the public page of a published round shows, from its release."""
    aggregates = round_aggregates(round=round_, frozen=True)
    countries = list(Country.objects.select_related("sdg_region").order_by("name"))
    measures = measure_labels(round_.version.domains.all())
    rounds = {r.pk: r for r in aggregates.rounds}
    labels = {value: str(label) for value, label in Category.choices}
    # One URL reversed, then completed per country: reversing per row dominated the page's time.
    url_pattern = reverse("results:country", kwargs={"iso3": "XXX"})
    rows = []
    for country in countries:
        result = aggregates.results.get(country.pk)
        if result is None:
            continue
        source_round = rounds.get(result.round_id)
        rows.append(
            {
                "country": country,
                "name": country.display_name,
                "url": url_pattern.replace("XXX", country.iso3),
                "region": country.sdg_region.display_name,
                "cells": [
                    {
                        "category": result.categories.get(code),
                        "label": labels.get(result.categories.get(code), ""),
                    }
                    for code, _label in measures
                ],
                "carried_from": source_round if result.round_id != round_.pk else None,
                "source": str(SOURCE_LABELS[result.source]),
            }
        )
    rows.sort(key=lambda row: row["name"])
    numbers = NumberFormat.active()
    legend = charts.category_legend()
    return {
        "aggregates": aggregates,
        "headline": charts.headline(aggregates),
        "coverage": charts.coverage_by_region(aggregates),
        "measures": measures,
        "short_measures": [(code, str(label)) for code, label in Breakdown.choices],
        "distributions": [
            {
                "code": code,
                "label": label,
                "chart_id": f"chart-{code.lower().replace('_', '')}",
                "data_id": f"data-{code.lower().replace('_', '')}",
                "data": charts.distribution_by_region(
                    aggregates, code, numbers=numbers, legend=legend
                ),
            }
            for code, label in measures
        ],
        "map": charts.map_data(aggregates.results, countries),
        "legend": legend,
        "rows": rows,
        "from_round_counts": aggregates.from_round_counts(),
        "sdg_kind": Region.Kind.SDG,
    }


# --- One country in every published round --------------------------------------------------------


@dataclass
class CountryRound:
    round: Round
    release: Release
    categories: dict[str, int] = field(default_factory=dict)
    source: str = ""
    source_round: Round | None = None
    record_id: int | None = None
    answers: list[dict] | None = None


def country_history(country: Country) -> dict:
    """The country's result in every published round, as each round's release froze it, with the
    answers and evidence behind a result computed from validated answers of a published round.
    Real and demo rounds apart. A fixed number of queries, whatever the number of countries."""
    rounds = list(access.public_rounds().select_related("version"))
    rounds_by_id = {r.pk: r for r in rounds}
    releases = latest_releases(rounds)
    entries: dict[int, CountryRound] = {}
    rows = ReleaseResult.objects.filter(
        release__in=list(releases.values()), country=country
    ).values_list(
        "release__round_id", "source_round_id", "source", "breakdown", "category", "score_record_id"
    )
    for round_id, source_round_id, source, breakdown, category, record_id in rows:
        entry = entries.setdefault(
            round_id,
            CountryRound(
                round=rounds_by_id[round_id],
                release=releases[round_id],
                source=source,
                source_round=rounds_by_id.get(source_round_id),
                record_id=record_id,
            ),
        )
        entry.categories[breakdown] = category
    answers = _answers_of_records(
        [
            e.record_id
            for e in entries.values()
            # Answers are shown once the round they were given in is itself published.
            if e.source == COMPUTED and e.record_id and e.source_round is not None
        ]
    )
    for entry in entries.values():
        if entry.record_id in answers:
            entry.answers = answers[entry.record_id]
    newest_version = rounds[0].version if rounds else None
    measures = measure_labels(
        Domain.objects.filter(version=newest_version) if newest_version else []
    )
    history: dict[str, list[CountryRound]] = {"real": [], "demo": []}
    for round_ in rounds:
        if round_.pk in entries:
            history["demo" if round_.is_demo else "real"].append(entries[round_.pk])
    labels = {value: str(label) for value, label in Category.choices}
    return {
        "measures": measures,
        "history": history,
        "labels": labels,
        "charts": {
            kind: [
                {
                    "id": f"country-chart-{kind}-{entry.round.code}",
                    "data_id": f"country-data-{kind}-{entry.round.code}",
                    "entry": entry,
                    "data": charts.country_history_chart(
                        [{"name": entry.round.display_name, "categories": entry.categories}],
                        measures,
                    ),
                    "cells": [
                        {
                            "label": label,
                            "category": entry.categories.get(code),
                            "text": labels.get(entry.categories.get(code), ""),
                        }
                        for code, label in measures
                    ],
                }
                for entry in entries_of_kind
            ]
            for kind, entries_of_kind in history.items()
        },
        "legend": charts.category_legend(),
    }


def _answers_of_records(record_ids: list[int]) -> dict[int, list[dict]]:
    """Record id to the answers it was computed from: per domain, each item's answer label and the
    evidence the country gave (from the submitted version the record scored)."""
    if not record_ids:
        return {}
    records = ScoreRecord.objects.filter(pk__in=record_ids).select_related(
        "submission_version", "round__version"
    )
    found = {}
    for record in records:
        version = record.round.version
        if not access.is_public_round(record.round):
            continue
        items = version_items(version)
        texts = version_texts(version)
        content = record.submission_version.answers if record.submission_version else {}
        domains: dict[int, dict] = {}
        for item in items:
            given = content.get(item.code) or {}
            code = given.get("option_code") or record.answers.get(item.code) or ""
            words = texts.get(item.code)
            domain = domains.setdefault(item.domain.number, {"domain": item.domain, "items": []})
            domain["items"].append(
                {
                    "code": item.code,
                    "text": words.text if words else item.code,
                    "answer": (words.labels.get(code, code) if words else code) or "",
                    "policy_name": given.get("policy_name") or "",
                    "policy_year": given.get("policy_year") or "",
                    "link": given.get("link") or "",
                    "citation": given.get("citation") or "",
                    "comment": given.get("comment") or "",
                }
            )
        found[record.pk] = [domains[n] for n in sorted(domains)]
    return found
