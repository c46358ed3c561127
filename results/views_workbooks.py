"""Placeholder: replaced by the work on this concern."""

from django.http import Http404


def round_report(request, round_code):
    raise Http404


def country_profile(request, round_code, iso3):
    raise Http404
