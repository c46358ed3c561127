"""The rows of the SDMX exports: country categories (MIGRS) and regional shares (MIGRP)."""

from typing import TextIO

from django.conf import settings
from django.utils import translation

from geography.models import Country
from questionnaire.models import Round
from scoring import opendata, sdmx
from scoring.models.choices import BREAKDOWNS, OVERALL, Breakdown, Category
from scoring.selectors import (
    SOURCE_LABELS,
    combined_country_results,
    round_aggregates,
    round_country_results,
)


def migrs_rows(*, round: Round) -> list[sdmx.ExportRow]:
    """Each category of the round's own respondents (computed or published)."""
    results = round_country_results(round=round)
    m49 = dict(Country.objects.filter(pk__in=list(results)).values_list("pk", "m49"))
    return [
        sdmx.ExportRow(
            series=sdmx.MIGRS,
            ref_area=m49[country_id],
            year=round.reference_year,
            breakdown=breakdown,
            value=category,
        )
        for country_id, result in results.items()
        for breakdown, category in result.categories.items()
    ]


def migrp_rows(*, round: Round) -> list[sdmx.ExportRow]:
    """The percentage of responding countries meeting or fully meeting, per region and breakdown.

    A region code used at two levels (419 as SDG region and M49 grouping) is written once, for the
    first level (World, then SDG regions, then M49 regions, sub-regions, intermediate regions).
    """
    rows, written = [], set()
    for aggregate in round_aggregates(round=round).regions:
        code = int(aggregate.region.m49)
        if code in written:
            continue
        written.add(code)
        for breakdown in BREAKDOWNS:
            percent = aggregate.measure(breakdown).percent_meeting
            if percent is not None:
                rows.append(
                    sdmx.ExportRow(
                        series=sdmx.MIGRP,
                        ref_area=code,
                        year=round.reference_year,
                        breakdown=breakdown,
                        value=percent,
                    )
                )
    return rows


def write_round_sdmx(*, round: Round, out: TextIO, series=(sdmx.MIGRS, sdmx.MIGRP)) -> int:
    """The round's series as one SDMX-CSV file, in the dataflow version of the settings."""
    rows: list[sdmx.ExportRow] = []
    if sdmx.MIGRS in series:
        rows += migrs_rows(round=round)
    if sdmx.MIGRP in series:
        rows += migrp_rows(round=round)
    return sdmx.write_sdmx_csv(rows, out, dataflow_version=settings.SDMX_DATAFLOW_VERSION)


# --- Open-data files (scoring.opendata) --------------------------------------------------------


def _english_labels(round_: Round) -> tuple[dict[str, str], dict[int, str]]:
    """Breakdown and category labels in official English: a data file reads the same whatever
    the language of the page it was taken from."""
    domains = dict(round_.version.domains.values_list("sdmx_code", "name"))
    with translation.override("en"):
        breakdowns = {OVERALL: str(Breakdown.OVERALL.label), **domains}
        categories = {c.value: str(c.label) for c in Category}
    return breakdowns, categories


def _observations(results, rounds_by_id, countries, labels) -> list[opendata.CountryObservation]:
    breakdown_labels, category_labels = labels
    with translation.override("en"):
        sources = {key: str(label) for key, label in SOURCE_LABELS.items()}
    observations = []
    for country_id, result in results:
        country = countries[country_id]
        source_round = rounds_by_id[result.round_id]
        for breakdown, category in result.categories.items():
            observations.append(
                opendata.CountryObservation(
                    m49=country.m49,
                    iso3=country.iso3,
                    country=country.name,
                    round=source_round.name,
                    year=source_round.reference_year,
                    breakdown=breakdown,
                    breakdown_label=breakdown_labels.get(breakdown, breakdown),
                    category=category,
                    category_label=category_labels[category],
                    source=sources[result.source],
                )
            )
    return observations


def round_observations(*, round: Round) -> list[opendata.CountryObservation]:
    """Each country's result that counts in the round (its own or carried forward), as the
    round's release froze it once published; the round and year say where it comes from."""
    rounds, results = combined_country_results(round=round)
    countries = Country.objects.in_bulk(list(results))
    return _observations(
        results.items(), {r.pk: r for r in rounds}, countries, _english_labels(round)
    )


def country_observations(*, country: Country, rounds) -> list[opendata.CountryObservation]:
    """The country's own result in each of the rounds (the frozen release of a published one)."""
    observations = []
    for round_ in rounds:
        result = round_country_results(round=round_).get(country.pk)
        if result is not None:
            observations += _observations(
                [(country.pk, result)],
                {round_.pk: round_},
                {country.pk: country},
                _english_labels(round_),
            )
    return observations


def region_measures(*, round: Round) -> list[opendata.RegionMeasure]:
    """Per region and grouping (World, SDG regions, the UN groupings, M49 regions) and breakdown:
    the counts of the four categories among the respondents."""
    breakdown_labels, _categories = _english_labels(round)
    measures = []
    with translation.override("en"):
        for aggregate in round_aggregates(round=round).regions:
            region = aggregate.region
            for breakdown in BREAKDOWNS:
                measures.append(
                    opendata.RegionMeasure(
                        region_m49=str(int(region.m49)),
                        region=region.name,
                        grouping=str(region.get_kind_display()),
                        round=round.name,
                        year=round.reference_year,
                        breakdown=breakdown,
                        breakdown_label=breakdown_labels.get(breakdown, breakdown),
                        counts=tuple(aggregate.measure(breakdown).counts),
                    )
                )
    return measures
