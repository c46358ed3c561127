"""The printable copy of a questionnaire, and the PDF of a submitted version.

Who may see a copy is decided by ``policyindex.access`` as for the questionnaire page: the
current answers and the submitted versions of a submission the user may see; a blank copy of any
country the user may see. A country the user may not see is a 404; so is a copy that does not
exist, with a page saying so."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from policyindex.access import visible_country_or_404, visible_submission

from .models import Round, Submission
from .printing import (
    VERSION,
    Choice,
    CopyNotFound,
    PdfUnavailable,
    pdf_of,
    print_copy,
    read_choice,
)


def _subject(user, round_code: str, iso3: str):
    """(round, country, submission or None) of the URL, if the user may see the country."""
    submission = visible_submission(
        user,
        Submission.objects.select_related("round__version", "country", "updated_by"),
        round__code=round_code,
        country__iso3=iso3.upper(),
    )
    if submission is not None:
        return submission.round, submission.country, submission
    country = visible_country_or_404(user, iso3=iso3.upper())
    round_ = get_object_or_404(Round.objects.select_related("version"), code=round_code)
    return round_, country, None


def _no_such_copy(request, round_, country):
    return render(
        request,
        "questionnaire/print_missing.html",
        {"round": round_, "country": country},
        status=404,
    )


def _copy(request, round_code: str, iso3: str, choice: Choice | None):
    """The copy asked for, or the response to send instead."""
    round_, country, submission = _subject(request.user, round_code, iso3)
    if choice is None:
        return _no_such_copy(request, round_, country)
    try:
        return print_copy(round=round_, country=country, submission=submission, choice=choice)
    except CopyNotFound:
        return _no_such_copy(request, round_, country)


@require_safe
@login_required
def print_view(request, round_code: str, iso3: str):
    """The copy to print: ``?copy=blank``, the current answers (default) or ``?version=<n>``."""
    try:
        choice = read_choice(request.GET)
    except CopyNotFound:
        choice = None
    copy = _copy(request, round_code, iso3, choice)
    if isinstance(copy, HttpResponse):
        return copy
    return render(request, "questionnaire/print.html", {"copy": copy, "for_pdf": False})


@require_safe
@login_required
def print_pdf(request, round_code: str, iso3: str, number: int):
    """The PDF of submitted version ``number``, built here with WeasyPrint (nothing is fetched
    over the network); where WeasyPrint cannot run, a page saying how to save the print view as
    PDF from the browser instead."""
    copy = _copy(request, round_code, iso3, Choice(VERSION, number))
    if isinstance(copy, HttpResponse):
        return copy
    html = render_to_string("questionnaire/print.html", {"copy": copy, "for_pdf": True}, request)
    try:
        pdf = pdf_of(html)
    except PdfUnavailable:
        return render(
            request,
            "questionnaire/print_pdf_unavailable.html",
            {"copy": copy, "round": copy.round, "country": copy.country},
            status=501,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{copy.file_name()}"'
    return response
