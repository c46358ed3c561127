"""Placeholder: replaced by the work on this concern."""

from django.http import Http404


def docs(request):
    raise Http404


def index(request):
    raise Http404


def openapi(request):
    raise Http404


def rounds(request):
    raise Http404


def round_detail(request, round_code):
    raise Http404


def round_countries(request, round_code):
    raise Http404


def round_aggregates(request, round_code):
    raise Http404


def countries(request):
    raise Http404


def country_detail(request, iso3):
    raise Http404
