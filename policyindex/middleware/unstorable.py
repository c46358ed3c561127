"""Refuses URLs carrying characters the database cannot store before any view queries with them.

PostgreSQL text cannot hold a NUL byte (psycopg raises on it), and a lone surrogate cannot be
encoded to UTF-8: a forged address such as ``/countries/%00/`` or ``?q=%00`` would otherwise reach
a query and end in a server error. Checking once here covers every view, the admin's search and
list filters included.
"""

import re

from django.shortcuts import render

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def has_unstorable_character(value: str) -> bool:
    return UNSTORABLE.search(value) is not None


def url_has_unstorable_character(request) -> bool:
    if has_unstorable_character(request.path_info):
        return True
    return any(
        has_unstorable_character(key) or any(has_unstorable_character(v) for v in values)
        for key, values in request.GET.lists()
    )


class RefuseUnstorableCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if url_has_unstorable_character(request):
            return render(request, "400.html", status=400)
        return self.get_response(request)
