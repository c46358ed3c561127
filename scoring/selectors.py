"""Reading results: a country's result for a round, and the regional aggregates of a round.

A country's result for a round is its validated submission's current (newest) score record where
one exists, otherwise the current values of its imported published results. Every function here
runs a fixed number of queries, whatever the number of countries.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from geography.models import (
    GROUPING_M49,
    Country,
    GroupingMembership,
    Region,
    grouping_reference_date,
    members_on,
)
from questionnaire.instrument_cache import version_items, version_texts
from questionnaire.models import Round, Submission
from scoring import engine
from scoring.methodologies import official_methodology
from scoring.models import (
    DomainScore,
    PublishedResult,
    Release,
    ReleaseResult,
    ResultImport,
    ScoreRecord,
)
from scoring.models.choices import BREAKDOWNS, DOMAIN_BREAKDOWNS, OVERALL, Category
from scoring.rule_labels import threshold_rule_label
from scoring.sensitivity import sensitivity
from scoring.services.releases import region_key

COMPUTED = "computed"
PUBLISHED = "published"
SOURCE_LABELS = {
    COMPUTED: _("computed from validated answers"),
    PUBLISHED: _("published by the UN, imported"),
}
MEETING = (Category.MEETS, Category.FULLY_MEETS)
REGION_KIND_ORDER = (
    Region.Kind.WORLD,
    Region.Kind.SDG,
    Region.Kind.GROUPING,
    Region.Kind.M49_REGION,
    Region.Kind.M49_SUBREGION,
    Region.Kind.M49_INTERMEDIATE,
)


@dataclass(frozen=True)
class CountryResult:
    country_id: int
    round_id: int
    source: str
    # Breakdown ("_T", "PD_1".."PD_6") to category 1-4; a published result may lack domains.
    categories: dict[str, int]
    record_id: int | None = None

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS[self.source])

    @property
    def overall(self) -> int | None:
        return self.categories.get(OVERALL)


def current_published_values(*, rounds, country=None) -> dict[tuple[int, int, str], int]:
    """(country id, round id, breakdown) to the current (newest) published category; of one
    ``country`` only when given."""
    values: dict[tuple[int, int, str], int] = {}
    rows = PublishedResult.objects.filter(round__in=rounds).order_by("pk")
    if country is not None:
        rows = rows.filter(country=country)
    for country_id, round_id, breakdown, category in rows.values_list(
        "country_id", "round_id", "breakdown", "category"
    ):
        values[(country_id, round_id, breakdown)] = category
    return values


def current_score_records(*, rounds, country=None) -> dict[tuple[int, int], tuple[int, int]]:
    """(round id, country id) to (record id, overall category) of the current record of each
    validated submission; of one ``country`` only when given."""
    current: dict[tuple[int, int], tuple[int, int]] = {}
    records = ScoreRecord.objects.filter(round__in=rounds)
    if country is not None:
        records = records.filter(country=country)
    rows = records.order_by("-created_at", "-pk").values_list(
        "pk", "round_id", "country_id", "category", "submission__state"
    )
    seen = set()
    for pk, round_id, country_id, category, state in rows:
        key = (round_id, country_id)
        if key in seen:
            continue
        seen.add(key)
        # The newest record counts only while its submission is validated.
        if state == Submission.State.VALIDATED:
            current[key] = (pk, category)
    return current


def results_for_rounds(*, rounds, country=None) -> dict[tuple[int, int], CountryResult]:
    """(round id, country id) to the country's result for that round (3 queries); of one
    ``country`` only when given, so that one country's page reads no other country's rows."""
    rounds = list(rounds)
    records = current_score_records(rounds=rounds, country=country)
    domain_categories: dict[int, dict[str, int]] = defaultdict(dict)
    record_ids = [pk for pk, _category in records.values()]
    for record_id, sdmx, category in DomainScore.objects.filter(
        record_id__in=record_ids
    ).values_list("record_id", "sdmx", "category"):
        domain_categories[record_id][sdmx] = category
    results = {
        key: CountryResult(
            country_id=key[1],
            round_id=key[0],
            source=COMPUTED,
            categories={OVERALL: category, **domain_categories[pk]},
            record_id=pk,
        )
        for key, (pk, category) in records.items()
    }
    published: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for (country_id, round_id, breakdown), category in current_published_values(
        rounds=rounds, country=country
    ).items():
        if (round_id, country_id) not in results:
            published[(round_id, country_id)][breakdown] = category
    for (round_id, country_id), categories in published.items():
        results[(round_id, country_id)] = CountryResult(
            country_id=country_id, round_id=round_id, source=PUBLISHED, categories=categories
        )
    return results


def rounds_counted(round: Round) -> list[Round]:
    """The round first, then the rounds it carries forward, newest reference year first."""
    carried = sorted(round.carries_forward.all(), key=lambda r: -r.reference_year)
    return [round, *[r for r in carried if r.pk != round.pk]]


def released_country_results(release: Release, country=None) -> dict[int, CountryResult]:
    """Country id to its result as the release froze it (one query); of one ``country`` only when
    given."""
    grouped: dict[int, dict] = {}
    rows = ReleaseResult.objects.filter(release=release)
    if country is not None:
        rows = rows.filter(country=country)
    rows = rows.values_list(
        "country_id", "source_round_id", "source", "breakdown", "category", "score_record_id"
    )
    for country_id, round_id, source, breakdown, category, record_id in rows:
        entry = grouped.setdefault(
            country_id,
            {"round_id": round_id, "source": source, "record_id": record_id, "categories": {}},
        )
        entry["categories"][breakdown] = category
    return {
        country_id: CountryResult(country_id=country_id, **entry)
        for country_id, entry in grouped.items()
    }


def published_release(round: Round) -> Release | None:
    """The release that public figures of a published round read (its newest); None otherwise."""
    if round.state != Round.State.PUBLISHED:
        return None
    return Release.objects.filter(round=round).order_by("-number").first()


def round_country_results(*, round: Round) -> dict[int, CountryResult]:
    """The country series of a round: only the round's own respondents."""
    release = published_release(round)
    if release is not None:
        return {
            country_id: result
            for country_id, result in released_country_results(release).items()
            if result.round_id == round.pk
        }
    return {
        country_id: result
        for (_round_id, country_id), result in results_for_rounds(rounds=[round]).items()
    }


def combined_country_results(
    *, round: Round, frozen: bool = True, country=None
) -> tuple[list[Round], dict[int, CountryResult]]:
    """Each country's latest result among the round and the rounds it carries forward; for a
    published round (unless ``frozen`` is False), as its release froze them. Of one ``country``
    only when given: the same result, reading none of the other countries' rows."""
    rounds = rounds_counted(round)
    release = published_release(round) if frozen else None
    if release is not None:
        return rounds, released_country_results(release, country=country)
    all_results = results_for_rounds(rounds=rounds, country=country)
    combined: dict[int, CountryResult] = {}
    for r in rounds:  # the round itself first, so its own results win
        for (round_id, country_id), result in all_results.items():
            if round_id == r.pk and country_id not in combined:
                combined[country_id] = result
    return rounds, combined


@dataclass
class MeasureAggregate:
    """Countries with a result for one measure (overall or one domain) in one region."""

    counts: list[int] = field(default_factory=lambda: [0, 0, 0, 0])

    @property
    def responding(self) -> int:
        return sum(self.counts)

    def count(self, category: int) -> int:
        return self.counts[category - 1]

    def share(self, *categories: int) -> Fraction | None:
        """Exact share of responding countries in the categories; None without respondents."""
        if not self.responding:
            return None
        return Fraction(sum(self.count(c) for c in categories), self.responding)

    @property
    def meeting(self) -> int:
        return sum(self.count(c) for c in MEETING)

    @property
    def share_meeting(self) -> Fraction | None:
        return self.share(*MEETING)

    @property
    def percent_meeting(self) -> Fraction | None:
        share = self.share_meeting
        return None if share is None else share * 100


@dataclass
class RegionAggregate:
    region: Region
    measures: dict[str, MeasureAggregate]
    # The countries of the region invited to answer the round (the whole reporting universe).
    invited: int = 0

    def measure(self, breakdown: str) -> MeasureAggregate:
        return self.measures[breakdown]


@dataclass
class RoundAggregates:
    round: Round
    rounds: list[Round]
    results: dict[int, CountryResult]
    regions: list[RegionAggregate]

    @property
    def world(self) -> RegionAggregate:
        return self.regions[0]

    def from_round_counts(self) -> list[tuple[Round, int]]:
        """How many countries count with a result of each round (own, then carried forward)."""
        counts = defaultdict(int)
        for result in self.results.values():
            counts[result.round_id] += 1
        return [(r, counts[r.pk]) for r in self.rounds]


def region_order(region: Region) -> tuple:
    """World, SDG regions, UN groupings (LDCs, LLDCs, SIDS, developed, developing), then the M49
    regions, sub-regions and intermediate regions, each by M49 code."""
    within = GROUPING_M49.index(region.m49) if region.m49 in GROUPING_M49 else region.m49
    return (REGION_KIND_ORDER.index(region.kind), str(within).zfill(3))


def grouping_members(*, round: Round) -> dict[int, list[int]]:
    """Country id to the UN groupings it belongs to on the round's date (one query); see
    geography.models.grouping_reference_date."""
    day = grouping_reference_date(round.reference_year)
    members: dict[int, list[int]] = defaultdict(list)
    rows = GroupingMembership.objects.filter(members_on(day)).values_list("country_id", "region_id")
    for country_id, region_id in rows:
        members[country_id].append(region_id)
    return members


def restore_released_counts(aggregates, release: Release) -> None:
    """Sets each region's counts to those the release stored for it (keyed by region_key); a region
    the release did not store (one added later) keeps the counts computed from its results."""
    for aggregate in aggregates:
        stored = release.aggregates.get(region_key(aggregate.region.kind, aggregate.region.m49))
        for breakdown, counts in (stored or {}).items():
            if breakdown in aggregate.measures:
                aggregate.measures[breakdown].counts = list(counts)


def round_aggregates(*, round: Round, frozen: bool = True) -> RoundAggregates:
    """Per region (World, SDG regions, UN groupings, M49 regions, sub-regions and intermediate
    regions): the countries with a result, their count per category and the share meeting or fully
    meeting, overall and per domain. The denominator of each measure is the countries with a result
    for it. A country counts in a grouping (e.g. the least developed countries) if it belonged to
    it on the round's date, so a graduation changes only the rounds after it. A fixed number of
    queries (seven), whatever the number of countries.

    For a published round (unless ``frozen`` is False), the counts are those its release froze,
    so a later correction of a membership or a region does not change published figures."""
    release = published_release(round) if frozen else None
    if release is not None:
        rounds, results = rounds_counted(round), released_country_results(release)
    else:
        rounds, results = combined_country_results(round=round, frozen=False)
    regions = sorted(Region.objects.all(), key=region_order)
    aggregates = {
        r.pk: RegionAggregate(r, {b: MeasureAggregate() for b in BREAKDOWNS}) for r in regions
    }
    world_ids = [r.pk for r in regions if r.kind == Region.Kind.WORLD]
    groupings = grouping_members(round=round)
    memberships = Country.objects.values_list(
        "pk", "sdg_region_id", "m49_region_id", "m49_subregion_id", "intermediate_region_id"
    )
    for country_id, *region_ids in memberships:
        counted_in = [
            pk for pk in (*world_ids, *region_ids, *groupings.get(country_id, ())) if pk is not None
        ]
        for pk in counted_in:
            aggregates[pk].invited += 1
        if country_id not in results:
            continue
        categories = results[country_id].categories
        targets = [aggregates[pk] for pk in counted_in]
        for breakdown, category in categories.items():
            index = category - 1
            for aggregate in targets:
                aggregate.measures[breakdown].counts[index] += 1
    if release is not None:
        restore_released_counts(aggregates.values(), release)
    return RoundAggregates(
        round=round, rounds=rounds, results=results, regions=[aggregates[r.pk] for r in regions]
    )


# --- The explanation of one country's result for one round -------------------------------------


@dataclass
class Explanation:
    country: Country
    round: Round
    result: CountryResult | None
    submission: Submission | None
    record: ScoreRecord | None
    records: list[ScoreRecord]
    domain_rows: list[dict]
    published_rows: list[dict]
    published_history: list[PublishedResult]
    imports: list[ResultImport]
    carried_result: CountryResult | None = None
    carried_round: Round | None = None
    # How many answers would move the overall category up or down, and which (official rules).
    sensitivity: list[dict] = field(default_factory=list)


def explain_country_round(*, round: Round, country: Country) -> Explanation:
    """Everything the explanation page shows about a country's result for a round; the same
    queries, reading only this country's rows, whatever the number of countries."""
    result = results_for_rounds(rounds=[round], country=country).get((round.pk, country.pk))
    submission = Submission.objects.filter(round=round, country=country).first()
    records = list(
        ScoreRecord.objects.filter(round=round, country=country)
        .select_related("triggered_by", "submission")
        .prefetch_related("domain_scores")
    )
    record = None
    if result is not None and result.source == COMPUTED:
        record = next(r for r in records if r.pk == result.record_id)
    domain_rows = _domain_rows(round=round, record=record) if record else []
    history = list(
        PublishedResult.objects.filter(round=round, country=country)
        .select_related("result_import__imported_by")
        .order_by("-pk")
    )
    published_rows, seen = [], set()
    for row in history:  # newest first: the first row of a breakdown is its current value
        if row.breakdown not in seen:
            seen.add(row.breakdown)
            published_rows.append(row)
    published_rows.sort(key=lambda r: BREAKDOWNS.index(r.breakdown))
    imports = list({row.result_import_id: row.result_import for row in published_rows}.values())
    explanation = Explanation(
        country=country,
        round=round,
        result=result,
        submission=submission,
        record=record,
        records=records,
        domain_rows=domain_rows,
        published_rows=[
            {"row": row, "domain": _domain_number(row.breakdown)} for row in published_rows
        ],
        published_history=history,
        imports=imports,
    )
    if record is not None:
        explanation.sensitivity = sensitivity_rows(round=round, answers=record.answers)
    if result is None:
        rounds, combined = combined_country_results(round=round, country=country)
        carried = combined.get(country.pk)
        if carried is not None:
            explanation.carried_result = carried
            explanation.carried_round = next(r for r in rounds if r.pk == carried.round_id)
    return explanation


def sensitivity_rows(*, round: Round, answers: dict, methodology=None) -> list[dict]:
    """The next category up and down, each with the answers that would have to change to reach
    it, by the items' names and the answers' labels in the active language."""
    methodology = methodology or official_methodology(round.version)
    found = sensitivity(answers, methodology)
    items = {item.code: item for item in version_items(round.version)}
    texts = version_texts(round.version)

    def label(code: str, option: str | None) -> str:
        return texts[code].labels.get(option, "") if option else ""

    rows = []
    for distance in (found.up, found.down):
        if distance is None:
            continue
        rows.append(
            {
                "direction": distance.direction,
                "category": Category(distance.category.code).label,
                "count": distance.count,
                "shifts": [
                    {
                        "item": texts[shift.item_code].name,
                        "anchor": f"item-{shift.item_code}",
                        "was": label(shift.item_code, shift.was),
                        "becomes": label(shift.item_code, shift.becomes),
                    }
                    for shift in distance.shifts
                    if shift.item_code in items
                ],
            }
        )
    return rows


def _domain_number(breakdown: str) -> int | None:
    return DOMAIN_BREAKDOWNS.index(breakdown) + 1 if breakdown in DOMAIN_BREAKDOWNS else None


def _domain_rows(*, round: Round, record: ScoreRecord) -> list[dict]:
    """Each domain of the round's questionnaire with the record's answers and result."""
    domains = list(
        round.version.domains.prefetch_related("items__response_set__options").order_by("number")
    )
    scores = {d.number: d for d in record.domain_scores.all()}
    imputed = set(record.imputed_items)
    rows = []
    for domain in domains:
        score = scores.get(domain.number)
        items = []
        for item in sorted(domain.items.all(), key=lambda i: i.order):
            code = record.answers.get(item.code)
            options = {o.code: o for o in item.response_set.options.all()}
            option = options.get(code) if code else None
            items.append(
                {"item": item, "code": code, "option": option, "imputed": item.code in imputed}
            )
        rows.append(
            {
                "domain": domain,
                "score": score,
                "items": items,
                "rule": threshold_rule_label(score.category) if score else "",
            }
        )
    return rows


# --- Tables for pages -------------------------------------------------------------------------


def percent_display(share: Fraction | None) -> str:
    """A share as a percentage rounded to one decimal, for display only."""
    return "—" if share is None else engine.score_display(share * 100, 1)


def aggregate_rows(*, aggregates: RoundAggregates, breakdown: str) -> list[dict]:
    """One row per region for one measure (overall or a domain): exact shares (templates write them
    with the ``percent`` filter, in the page's language) and percentages rounded for display."""
    rows = []
    for aggregate in aggregates.regions:
        measure = aggregate.measure(breakdown)
        rows.append(
            {
                "region": aggregate.region,
                "responding": measure.responding,
                "cells": [
                    {
                        "count": measure.count(c),
                        "share": measure.share(c),
                        "percent": percent_display(measure.share(c)),
                    }
                    for c in (1, 2, 3, 4)
                ],
                "meeting": measure.meeting,
                "share_meeting": measure.share_meeting,
                "percent_meeting": percent_display(measure.share_meeting),
            }
        )
    return rows


def country_rows(*, aggregates: RoundAggregates, countries) -> list[dict]:
    """The countries counted in the aggregates that the user may see, with their result."""
    rounds = {r.pk: r for r in aggregates.rounds}
    return [
        {
            "country": country,
            "result": aggregates.results[country.pk],
            "round": rounds[aggregates.results[country.pk].round_id],
        }
        for country in countries
        if country.pk in aggregates.results
    ]
