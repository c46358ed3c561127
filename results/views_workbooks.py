"""Excel downloads: the round report and a country profile.

Who may take which workbook is decided in ``policyindex.access`` alone; a refusal is a 404, so a
forged URL says nothing of an unpublished round or of a country outside the user's scope. The
workbook is in the request's language and its file name says what and when."""

from io import BytesIO

from django.http import FileResponse, Http404
from django.utils import timezone
from django.views.decorators.http import require_safe

from geography.models import Country
from policyindex import access
from questionnaire.models import Round

from .report_data import country_profile_data, round_report_data
from .workbooks import build_country_profile, build_round_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INDICATOR = "10.7.2"


def report_file_name(round_: Round, what: str, today=None) -> str:
    """``10.7.2-2021-round-report-2026-11-24.xlsx``: the indicator, the reference year, what the
    workbook is and the day it was made."""
    today = today or timezone.localdate()
    return f"{INDICATOR}-{round_.reference_year}-{what}-{today.isoformat()}.xlsx"


def _round_or_404(round_code: str) -> Round:
    round_ = Round.objects.filter(code=round_code).select_related("version").first()
    if round_ is None:
        raise Http404
    return round_


def _download(workbook, file_name: str) -> FileResponse:
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    response = FileResponse(buffer, as_attachment=True, filename=file_name, content_type=XLSX)
    # A report of an unpublished round is for its reader only: no shared cache keeps it.
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def round_report(request, round_code):
    round_ = _round_or_404(round_code)
    user = request.user
    if not access.can_download_round_report(user, round_):
        raise Http404
    data = round_report_data(
        round_=round_,
        user=user,
        countries=access.report_countries_visible_to(user, round_),
        region_ids=access.aggregate_regions_visible_to(user, round_),
        internal=access.report_includes_internal_sheets(user, round_),
        history_countries=access.history_countries_visible_to(user),
    )
    return _download(build_round_report(data), report_file_name(round_, "round-report"))


@require_safe
def country_profile(request, round_code, iso3):
    round_ = _round_or_404(round_code)
    country = Country.objects.filter(iso3=iso3.upper()).first()
    if country is None or not access.can_download_country_profile(request.user, round_, country):
        raise Http404
    data = country_profile_data(round_=round_, country=country, user=request.user)
    return _download(
        build_country_profile(data), report_file_name(round_, f"{country.iso3}-country-profile")
    )
