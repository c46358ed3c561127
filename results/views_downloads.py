"""Open-data downloads of published results: CSV, aggregates CSV, SDMX-CSV and Open SDG CSV.

Anyone may download a published round's results, read from its frozen release; any other round,
format or country is a 404. The file name says what and when: ``10.7.2-2021-countries-
2026-11-24.csv`` (reference year or ISO3, what, the day it was taken)."""

import io

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from geography.models import Country
from policyindex.access import is_public_round, public_rounds
from questionnaire.models import Round
from scoring import opendata
from scoring.exports import (
    country_observations,
    region_measures,
    round_observations,
    write_round_sdmx,
)

CSV = "text/csv; charset=utf-8"
# The media type SDMX registers for SDMX-CSV 1.0 (the version the export writes).
SDMX_CSV = "application/vnd.sdmx.data+csv; version=1.0.0; charset=utf-8"

ROUND_FORMATS = {
    "csv": (
        "countries",
        CSV,
        lambda round_, out: opendata.write_countries_csv(round_observations(round=round_), out),
    ),
    "aggregates-csv": (
        "aggregates",
        CSV,
        lambda round_, out: opendata.write_aggregates_csv(region_measures(round=round_), out),
    ),
    "sdmx-csv": ("sdmx", SDMX_CSV, lambda round_, out: write_round_sdmx(round=round_, out=out)),
    "open-sdg": (
        "open-sdg",
        CSV,
        lambda round_, out: opendata.write_open_sdg_csv(
            round_observations(round=round_), out, with_geo=True
        ),
    ),
}
COUNTRY_FORMATS = {
    "csv": ("results", CSV, opendata.write_countries_csv),
    "open-sdg": ("open-sdg", CSV, opendata.write_open_sdg_csv),
}


def download_name(subject, what: str) -> str:
    return f"10.7.2-{subject}-{what}-{timezone.localdate().isoformat()}.csv"


def _attachment(text: str, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def round_download(request, round_code, fmt):
    if fmt not in ROUND_FORMATS:
        raise Http404
    round_ = get_object_or_404(Round.objects.select_related("version"), code=round_code)
    if not is_public_round(round_):
        raise Http404
    what, content_type, write = ROUND_FORMATS[fmt]
    out = io.StringIO()
    write(round_, out)
    return _attachment(out.getvalue(), content_type, download_name(round_.reference_year, what))


def country_download(request, iso3, fmt):
    if fmt not in COUNTRY_FORMATS:
        raise Http404
    country = get_object_or_404(Country, iso3=iso3.upper())
    what, content_type, write = COUNTRY_FORMATS[fmt]
    rounds = public_rounds().select_related("version").order_by("reference_year")
    out = io.StringIO()
    write(country_observations(country=country, rounds=rounds), out)
    return _attachment(out.getvalue(), content_type, download_name(country.iso3, what))
