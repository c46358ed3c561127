"""Placeholder: replaced by the work on this concern."""

from django.http import Http404


def rounds_page(request):
    raise Http404


def country_page(request, iso3):
    raise Http404


def round_page(request, round_code):
    raise Http404
