"""The rows of the SDMX exports: country categories (MIGRS) and regional shares (MIGRP)."""

from typing import TextIO

from django.conf import settings

from geography.models import Country
from questionnaire.models import Round
from scoring import sdmx
from scoring.models.choices import BREAKDOWNS
from scoring.selectors import round_aggregates, round_country_results


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
