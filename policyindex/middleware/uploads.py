"""Refuses request bodies over ``MAX_UPLOAD_BYTES`` before anything reads them.

Django only checks the size of uploaded files while it streams them to memory or disk; checking
the announced length first means an oversized upload costs neither. A multipart body sent in
chunks announces no length, so its size cannot be checked up front: it is refused too (Django
would otherwise read it as empty and the upload would be silently lost).
"""

from django.conf import settings
from django.shortcuts import render


def announced_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def is_chunked_multipart(request) -> bool:
    return (
        request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        and not request.META.get("CONTENT_LENGTH")
    )


class BoundedUploadMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_UPLOAD_BYTES
        length = announced_length(request)
        if length is not None and length > limit:
            return render(request, "413.html", {"limit_mib": limit / 1024 / 1024}, status=413)
        if is_chunked_multipart(request):
            return render(request, "413.html", {"length_required": True}, status=411)
        return self.get_response(request)
