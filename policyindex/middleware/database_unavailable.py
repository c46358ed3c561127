"""Answers "try again" (503) while the database cannot be reached, instead of a server error.

A restarted or failing-over PostgreSQL makes every query raise ``OperationalError`` (or
``InterfaceError`` on a connection it closed). Each service writes in one transaction, so such an
error leaves nothing half-written: the user is told so and asked to try again in a minute, with a
``Retry-After`` header for scripts. The page is rendered from the template alone, without the
request's context processors, since those would query the database again.

Two ways in, since the error may come from the view or from a middleware inside this one (the
session saved after the view, the user loaded to set cache headers):

- ``process_exception``: the view raised it;
- a receiver of ``got_request_exception`` marks the request when Django turned such an error into
  a server error further in, and ``__call__`` answers 503 in its place.

Place it before ``SessionMiddleware`` so that it wraps every middleware that queries.
"""

import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60
_MARK = "_database_unavailable"


def is_database_unavailable(error: BaseException | None) -> bool:
    """The error, or one it was raised from, says the database cannot be used right now."""
    seen = 0
    while error is not None and seen < 10:  # a chain of causes is short; bounded anyway
        if isinstance(error, DATABASE_ERRORS):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def database_unavailable_response(request) -> HttpResponse:
    language = translation.get_language_from_request(request)
    with translation.override(language):
        body = render_to_string("503.html", {"LANGUAGE_CODE": translation.get_language() or "en"})
    response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _mark_request(sender, request=None, **kwargs):
    if request is not None and is_database_unavailable(sys.exc_info()[1]):
        setattr(request, _MARK, True)


got_request_exception.connect(_mark_request, dispatch_uid="policyindex.database_unavailable")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, _MARK, False) and response.status_code >= 500:
            return database_unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            setattr(request, _MARK, True)
            return database_unavailable_response(request)
        return None
