"""Placeholder: replaced by the work on this concern."""

from django.http import Http404


def country_download(request, iso3, fmt):
    raise Http404


def round_download(request, round_code, fmt):
    raise Http404
