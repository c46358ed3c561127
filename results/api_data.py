"""The JSON API's answers: what it reads (a fixed number of queries each, whatever the number of
countries) and the plain functions that turn published results into JSON-ready dicts.

Only published rounds are read, and only as their frozen release froze them. Shares are numbers
rounded half up to ``SHARE_DECIMALS`` decimals (a proportion between 0 and 1, e.g. 0.6232 for
86 of 138); the counts beside them let a user recompute them exactly.

The builders take data in and give dicts out; links are given as URL templates (``{code}``,
``{iso3}``) so that no URL is reversed per row.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from geography.models import Country, Region
from kernel.translation import translated
from policyindex import access
from policyindex.access import public_rounds
from questionnaire.models import Round
from scoring.models import Release
from scoring.models.choices import BREAKDOWNS, DOMAIN_BREAKDOWNS, OVERALL, Breakdown, Category
from scoring.selectors import (
    SOURCE_LABELS,
    CountryResult,
    RegionAggregate,
    released_country_results,
)

API_VERSION = "1"
SHARE_DECIMALS = 4
LANGUAGES = ("en", "fr", "es")
_REGION_FIELDS = ("sdg_region", "m49_region", "m49_subregion", "intermediate_region")


# --- Reading -----------------------------------------------------------------------------------


def newest_releases(rounds: Iterable[Round]) -> dict[int, Release]:
    """Round id to its newest release, for published rounds (one query for all of them)."""
    releases: dict[int, Release] = {}
    published = [r.pk for r in rounds if access.is_public_round(r)]
    for release in Release.objects.filter(round_id__in=published).order_by("round_id", "-number"):
        releases.setdefault(release.round_id, release)
    return releases


def countries_with_regions():
    return Country.objects.select_related(*_REGION_FIELDS).order_by("iso3")


def country_or_none(iso3: str) -> Country | None:
    return countries_with_regions().filter(iso3=iso3.upper()).first()


@dataclass(frozen=True)
class CountryHistory:
    """One country's result in each published round (None where it has none)."""

    rounds: list[Round]
    releases: dict[int, Release]
    results: dict[int, CountryResult]
    source_rounds: dict[int, Round]


def country_history(country: Country) -> CountryHistory:
    """Three queries: the published rounds, their newest releases, and the country's released
    results in them with the rounds those results come from."""
    from scoring.models import ReleaseResult

    rounds = list(public_rounds())
    releases = newest_releases(rounds)
    by_release = {release.pk: round_id for round_id, release in releases.items()}
    grouped: dict[int, dict] = {}
    # The source rounds are read in the same query: a constant count, with or without results.
    rows = ReleaseResult.objects.filter(release_id__in=by_release, country=country).values_list(
        "release_id",
        "source_round_id",
        "source_round__code",
        "source_round__reference_year",
        "source",
        "breakdown",
        "category",
        "score_record_id",
    )
    source_rounds: dict[int, Round] = {}
    for release_id, source_round_id, code, year, source, breakdown, category, record_id in rows:
        source_rounds[source_round_id] = Round(pk=source_round_id, code=code, reference_year=year)
        entry = grouped.setdefault(
            by_release[release_id],
            {
                "round_id": source_round_id,
                "source": source,
                "record_id": record_id,
                "categories": {},
            },
        )
        entry["categories"][breakdown] = category
    results = {
        round_id: CountryResult(country_id=country.pk, **entry)
        for round_id, entry in grouped.items()
    }
    return CountryHistory(
        rounds=rounds, releases=releases, results=results, source_rounds=source_rounds
    )


def release_results(release: Release) -> tuple[dict[int, CountryResult], dict[int, Round]]:
    """Country id to its result as the release froze it, and the rounds the results come from."""
    results = released_country_results(release)
    source_ids = {result.round_id for result in results.values()}
    return results, Round.objects.in_bulk(source_ids)


# --- Building ----------------------------------------------------------------------------------


def rounded_share(share: Fraction | None, decimals: int = SHARE_DECIMALS) -> float | None:
    """An exact share rounded half up to ``decimals`` decimals; None without respondents."""
    if share is None:
        return None
    with localcontext() as context:
        context.prec = 28
        exact = Decimal(share.numerator) / Decimal(share.denominator)
        return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def names(obj) -> dict[str, str]:
    """The name in English, French and Spanish (English where a translation is missing)."""
    return {language: translated(obj, "name", language) for language in LANGUAGES}


def category_entry(code: int | None) -> dict | None:
    if code is None:
        return None
    return {"code": code, "label": str(Category(code).label)}


def breakdown_label(code: str) -> str:
    return str(Breakdown(code).label)


def region_entry(region: Region) -> dict:
    return {
        "kind": region.kind,
        "kind_label": str(region.get_kind_display()),
        "m49": region.m49,
        "name": names(region),
    }


def country_entry(country: Country, *, link_template: str) -> dict:
    """A country's codes, names and regions (its regions read with it)."""
    regions = [getattr(country, field) for field in _REGION_FIELDS]
    return {
        "m49": country.m49,
        "iso3": country.iso3,
        "iso2": country.iso2,
        "name": names(country),
        "regions": [region_entry(region) for region in regions if region is not None],
        "links": {"self": link_template.format(iso3=country.iso3)},
    }


def release_entry(release: Release) -> dict:
    return {
        "number": release.number,
        "published_at": release.published_at.isoformat(),
        "methodology_version": release.methodology_version,
    }


def round_entry(round_: Round, release: Release, *, links: Mapping[str, str]) -> dict:
    """A published round, its release and its links (templates with ``{code}``)."""
    return {
        "code": round_.code,
        "name": names(round_),
        "reference_year": round_.reference_year,
        "is_demo": round_.is_demo,
        "release": release_entry(release),
        "links": {name: template.format(code=round_.code) for name, template in links.items()},
    }


def round_reference(round_: Round) -> dict:
    return {"code": round_.code, "reference_year": round_.reference_year}


def result_entry(result: CountryResult, *, source_round: Round) -> dict:
    """A country's result: where it comes from, the overall category and each domain's."""
    return {
        "source": result.source,
        "source_label": str(SOURCE_LABELS[result.source]),
        "source_round": round_reference(source_round),
        "overall": category_entry(result.categories.get(OVERALL)),
        "domains": [
            {
                "code": code,
                "label": breakdown_label(code),
                "category": category_entry(result.categories.get(code)),
            }
            for code in DOMAIN_BREAKDOWNS
        ],
    }


def round_countries_entry(
    round_: Round,
    release: Release,
    *,
    countries: Iterable[Country],
    results: Mapping[int, CountryResult],
    source_rounds: Mapping[int, Round],
    round_links: Mapping[str, str],
    country_link: str,
) -> dict:
    """Every country with a result in the round's release (own or carried forward), by ISO3."""
    rows = []
    for country in countries:
        result = results.get(country.pk)
        if result is None:
            continue
        rows.append(
            {
                "country": country_entry(country, link_template=country_link),
                "result": result_entry(result, source_round=source_rounds[result.round_id]),
            }
        )
    return {"round": round_entry(round_, release, links=round_links), "countries": rows}


def measure_entry(aggregate: RegionAggregate, breakdown: str) -> dict:
    measure = aggregate.measure(breakdown)
    return {
        "code": breakdown,
        "label": breakdown_label(breakdown),
        "responding": measure.responding,
        "categories": [
            {
                **category_entry(category),
                "count": measure.count(category),
                "share": rounded_share(measure.share(category)),
            }
            for category in Category.values
        ],
        "meeting": measure.meeting,
        "share_meeting": rounded_share(measure.share_meeting),
    }


def aggregate_entry(aggregate: RegionAggregate) -> dict:
    return {
        "region": region_entry(aggregate.region),
        "invited": aggregate.invited,
        "respondents": aggregate.measure(OVERALL).responding,
        "breakdowns": [measure_entry(aggregate, breakdown) for breakdown in BREAKDOWNS],
    }


def headline_entry(world: RegionAggregate) -> dict:
    """The world headline: the share of responding countries meeting or fully meeting."""
    overall = world.measure(OVERALL)
    return {
        "region": region_entry(world.region),
        "invited": world.invited,
        "responding": overall.responding,
        "meeting": overall.meeting,
        "share_meeting": rounded_share(overall.share_meeting),
    }


def from_rounds_entry(counts: Iterable[tuple[Round, int]]) -> list[dict]:
    """How many countries count with a result of each round (own, then carried forward)."""
    return [{"round": round_reference(r), "countries": n} for r, n in counts]
