"""A variant beside the official methodology on one round: pure engine work on answers in memory.

``load_round_data`` reads, in a fixed number of queries whatever the number of countries, the
answers of each country's current score record counted in the round (for a published round, the
records its release froze), the countries' SDG regions and UN groupings. ``compare`` then rescores
every country under both methodologies and works out the headline, the transition matrix, the
aggregates and the robustness runs. Nothing here writes anything: a variant's results are never
stored.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, OuterRef, Q, Subquery

from geography.models import Country, Region
from kernel.prepared import Prepared
from questionnaire.models import Round, Submission
from scoring import engine
from scoring.models import PublishedResult, Release, ScoreRecord
from scoring.selectors import (
    COMPUTED,
    combined_country_results,
    grouping_members,
    region_order,
)

from .rules import without_item

# Every region the results pages aggregate: World, SDG regions, UN groupings, then the M49
# regions, sub-regions and intermediate regions.
AGGREGATE_KINDS = tuple(Region.Kind)
# Shown even without a rescored country (as the results pages show them); M49 regions only with.
ALWAYS_SHOWN = (Region.Kind.WORLD, Region.Kind.SDG, Region.Kind.GROUPING)
CATEGORY_CODES = (1, 2, 3, 4)


@dataclass(frozen=True)
class CountryAnswers:
    country_id: int
    name: str
    iso3: str
    answers: dict
    # Every region the country counts in (region ids): World, SDG region, UN groupings, M49.
    regions: tuple[int, ...]


@dataclass(frozen=True)
class RegionInfo:
    pk: int
    name: str
    kind: str
    m49: str


@dataclass(frozen=True)
class RoundData:
    """What the comparison needs of a round, read once."""

    round_code: str
    round_name: str
    countries: tuple[CountryAnswers, ...]
    # Countries counted in the round whose result is an imported UN category without answers.
    not_rescored: tuple[str, ...]
    regions: tuple[RegionInfo, ...]


@dataclass(frozen=True)
class Scored:
    score: Fraction
    overall: int
    domains: tuple[int, ...]


@dataclass(frozen=True)
class CountryRow:
    name: str
    iso3: str
    official: Scored
    variant: Scored

    @property
    def movement(self) -> str:
        if self.variant.overall > self.official.overall:
            return "up"
        if self.variant.overall < self.official.overall:
            return "down"
        return ""


@dataclass(frozen=True)
class Share:
    counted: int
    responding: int

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.counted, self.responding) if self.responding else None


@dataclass(frozen=True)
class AggregateRow:
    region: RegionInfo
    official_counts: tuple[int, ...]
    variant_counts: tuple[int, ...]
    official: Share
    variant: Share


@dataclass(frozen=True)
class Range:
    low: Fraction | None
    high: Fraction | None
    runs: int


@dataclass(frozen=True)
class Robustness:
    # Item code to the headline share of the run without that item (None without respondents).
    headline_by_item: dict[str, Fraction | None]
    headline: Range
    # SDG region (RegionInfo) to the range of its share over the runs.
    regions: tuple[tuple[RegionInfo, Range], ...]


@dataclass(frozen=True)
class Comparison:
    data: RoundData
    official_headline: Share
    variant_headline: Share
    countries: tuple[CountryRow, ...]
    # transitions[i][j]: countries in official category i+1 and variant category j+1.
    transitions: tuple[tuple[int, ...], ...]
    aggregates: tuple[AggregateRow, ...]
    robustness: Robustness
    variant_aggregate: tuple[int, ...] = field(default=())

    @property
    def movers(self) -> int:
        return sum(1 for row in self.countries if row.movement)


# --- Reading ---------------------------------------------------------------------------------


def _round_with_fingerprint_query(code):
    counted = Q(round_id=OuterRef("pk")) | Q(
        round_id__in=Round.carries_forward.through.objects.filter(
            from_round_id=OuterRef(OuterRef("pk"))
        ).values("to_round_id")
    )

    def newest(model):
        return Subquery(model.objects.filter(counted).order_by("-pk").values("pk")[:1])

    validated = (
        Submission.objects.filter(counted, state=Submission.State.VALIDATED)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return (
        Round.objects.filter(code=code)
        .annotate(
            lab_release=Subquery(
                Release.objects.filter(round_id=OuterRef("pk")).order_by("-number").values("pk")[:1]
            ),
            lab_record=newest(ScoreRecord),
            lab_validated=Subquery(validated),
            lab_import=newest(PublishedResult),
        )
        .order_by()
        .values_list(*_ROUND_FIELDS, *_FINGERPRINT_FIELDS)
    )


_ROUND_FIELDS = tuple(f.attname for f in Round._meta.concrete_fields)
_FINGERPRINT_FIELDS = ("lab_release", "lab_record", "lab_validated", "lab_import")
# Compiled once: on the cached comparison page, compiling this query cost more than the page.
_ROUND_WITH_FINGERPRINT = Prepared(_round_with_fingerprint_query, code=str)


def round_with_fingerprint(round_code: str) -> Round | None:
    """The round with what its comparison depends on, in one query: its newest release (a
    published round's figures are those it froze) and, over the round and the rounds it carries
    forward, the newest score record, the count of validated submissions and the newest imported
    result. The same fingerprint, the same comparison."""
    rows = _ROUND_WITH_FINGERPRINT.rows(code=round_code)
    if not rows:
        return None
    row = rows[0]
    round_ = Round.from_db("default", _ROUND_FIELDS, row[: len(_ROUND_FIELDS)])
    for name, value in zip(_FINGERPRINT_FIELDS, row[len(_ROUND_FIELDS) :], strict=True):
        setattr(round_, name, value)
    return round_


def data_fingerprint(round_: Round) -> tuple:
    """The fingerprint of a round read by ``round_with_fingerprint``."""
    if round_.state == Round.State.PUBLISHED and round_.lab_release is not None:
        return ("release", round_.lab_release)
    return ("records", round_.lab_record, round_.lab_validated, round_.lab_import)


def load_round_data(round_: Round) -> RoundData:
    """The answers of every country counted in the round that has a score record, and the regions
    they count in; a fixed number of queries."""
    _rounds, results = combined_country_results(round=round_)
    record_of = {
        country_id: result.record_id
        for country_id, result in results.items()
        if result.source == COMPUTED and result.record_id is not None
    }
    answers_of = dict(
        ScoreRecord.objects.filter(pk__in=record_of.values()).values_list("pk", "answers")
    )
    countries = {c.pk: c for c in Country.objects.filter(pk__in=results.keys())}
    regions = sorted(Region.objects.filter(kind__in=AGGREGATE_KINDS), key=region_order)
    world = [r.pk for r in regions if r.kind == Region.Kind.WORLD]
    groupings = grouping_members(round=round_)
    rescored, not_rescored = [], []
    for country_id in sorted(results, key=lambda pk: countries[pk].display_name):
        country = countries[country_id]
        record_id = record_of.get(country_id)
        if record_id is None or record_id not in answers_of:
            not_rescored.append(country.display_name)
            continue
        in_regions = (
            *world,
            country.sdg_region_id,
            *groupings.get(country_id, ()),
            country.m49_region_id,
            country.m49_subregion_id,
            country.intermediate_region_id,
        )
        rescored.append(
            CountryAnswers(
                country_id=country_id,
                name=country.display_name,
                iso3=country.iso3,
                answers=answers_of[record_id],
                regions=tuple(pk for pk in in_regions if pk is not None),
            )
        )
    return RoundData(
        round_code=round_.code,
        round_name=round_.display_name,
        countries=tuple(rescored),
        not_rescored=tuple(not_rescored),
        regions=tuple(RegionInfo(r.pk, r.display_name, r.kind, r.m49) for r in regions),
    )


# --- Computing (pure) ------------------------------------------------------------------------


def score(answers: dict, methodology: engine.Methodology) -> Scored:
    result = engine.compute_score(answers, methodology)
    return Scored(
        score=result.overall.score,
        overall=result.overall.category.code,
        domains=tuple(d.category.code for d in result.domains),
    )


def rescore(data: RoundData, methodology: engine.Methodology) -> list[Scored]:
    return [score(country.answers, methodology) for country in data.countries]


def share_of(categories, methodology: engine.Methodology) -> Share:
    categories = list(categories)
    counted = sum(1 for c in categories if c in methodology.aggregate_categories)
    return Share(counted=counted, responding=len(categories))


def region_categories(data: RoundData, overall: list[int]) -> dict[int, list[int]]:
    """Region id to the overall categories of its rescored countries."""
    by_region: dict[int, list[int]] = defaultdict(list)
    for country, category in zip(data.countries, overall, strict=True):
        for region in country.regions:
            by_region[region].append(category)
    return by_region


def aggregates(
    data: RoundData,
    official: list[int],
    variant: list[int],
    variant_methodology: engine.Methodology,
) -> tuple[AggregateRow, ...]:
    official_by_region = region_categories(data, official)
    variant_by_region = region_categories(data, variant)
    rows = []
    for region in data.regions:
        before, after = official_by_region.get(region.pk, []), variant_by_region.get(region.pk, [])
        if not before and region.kind not in ALWAYS_SHOWN:
            continue  # an M49 region without a rescored country: nothing to compare
        rows.append(
            AggregateRow(
                region=region,
                official_counts=tuple(before.count(c) for c in CATEGORY_CODES),
                variant_counts=tuple(after.count(c) for c in CATEGORY_CODES),
                official=share_of(before, engine.OFFICIAL),
                variant=share_of(after, variant_methodology),
            )
        )
    return tuple(rows)


def transitions(official: list[int], variant: list[int]) -> tuple[tuple[int, ...], ...]:
    matrix = [[0] * 4 for _ in CATEGORY_CODES]
    for before, after in zip(official, variant, strict=True):
        matrix[before - 1][after - 1] += 1
    return tuple(tuple(row) for row in matrix)


def _range(values: list[Fraction | None]) -> Range:
    known = [v for v in values if v is not None]
    return Range(min(known, default=None), max(known, default=None), len(values))


def robustness(data: RoundData, methodology: engine.Methodology) -> Robustness:
    """For each of the 30 items: every country rescored under ``methodology`` with the item left
    out of its domain; the range of the headline share and of each SDG region's share."""
    sdg = [r for r in data.regions if r.kind == Region.Kind.SDG]
    headline_by_item: dict[str, Fraction | None] = {}
    region_values: dict[int, list[Fraction | None]] = {r.pk: [] for r in sdg}
    for item in methodology.item_codes:
        reduced = without_item(methodology, item)
        overall = [
            engine.compute_score(
                {code: value for code, value in country.answers.items() if code != item}, reduced
            ).overall.category.code
            for country in data.countries
        ]
        headline_by_item[item] = share_of(overall, methodology).value
        by_region = region_categories(data, overall)
        for region in sdg:
            region_values[region.pk].append(
                share_of(by_region.get(region.pk, []), methodology).value
            )
    return Robustness(
        headline_by_item=headline_by_item,
        headline=_range(list(headline_by_item.values())),
        regions=tuple((r, _range(region_values[r.pk])) for r in sdg),
    )


def compare(data: RoundData, methodology: engine.Methodology) -> Comparison:
    """The variant ``methodology`` beside the official one on the round's answers."""
    official = rescore(data, engine.OFFICIAL)
    variant = rescore(data, methodology)
    official_overall = [s.overall for s in official]
    variant_overall = [s.overall for s in variant]
    return Comparison(
        data=data,
        official_headline=share_of(official_overall, engine.OFFICIAL),
        variant_headline=share_of(variant_overall, methodology),
        countries=tuple(
            CountryRow(name=c.name, iso3=c.iso3, official=o, variant=v)
            for c, o, v in zip(data.countries, official, variant, strict=True)
        ),
        transitions=transitions(official_overall, variant_overall),
        aggregates=aggregates(data, official_overall, variant_overall, methodology),
        robustness=robustness(data, methodology),
        variant_aggregate=tuple(sorted(methodology.aggregate_categories)),
    )


def rounds_with_results() -> list[Round]:
    """The rounds a variant can be run on: those with a score record or a release, newest first."""
    with_records = ScoreRecord.objects.values("round_id")
    with_releases = Release.objects.values("round_id")
    return list(
        Round.objects.filter(Q(pk__in=with_records) | Q(pk__in=with_releases)).order_by(
            "-reference_year", "code"
        )
    )
