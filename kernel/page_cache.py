"""Whole pages kept in the cache, with each answer's own security token put in.

A cached page is the same for everyone it is cached for, except the security token of its forms,
which is per browser: the page is rendered once with a placeholder in the token's place, kept as
bytes split there, and each answer joins the parts around the requester's own token (no search
and no encoding of the whole page per answer). A page is never cached while a message waits to be
shown: messages are shown once."""

from collections.abc import Callable

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token

# Never a valid token (tokens are letters and digits), so it cannot occur in a page by chance.
TOKEN_PLACEHOLDER = "__csrf-token-placeholder__"


def no_message_waiting(request) -> bool:
    return not len(get_messages(request))


def page_with_own_token(
    request, *, key: str, render: Callable[[dict], str], seconds: int
) -> HttpResponse:
    """The page cached under ``key`` (which must change with everything the page shows), or, when
    it is not cached, ``render(extra)`` with ``extra`` holding the placeholder token, kept for
    ``seconds``. While a message waits, the page is rendered for this answer alone."""
    if not no_message_waiting(request):
        return HttpResponse(render({}))
    parts = cache.get(key)
    if parts is None:
        html = render({"csrf_token": TOKEN_PLACEHOLDER})
        parts = html.encode().split(TOKEN_PLACEHOLDER.encode())
        cache.set(key, parts, seconds)
    return HttpResponse(get_token(request).encode().join(parts))
