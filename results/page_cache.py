"""Whole public pages cached for anonymous visitors.

A public page is the same for every anonymous visitor in a language, except for the security token
of the language form, which is per visitor: the page is rendered once with a placeholder for it, and
each answer puts the visitor's own token in its place. Signed-in people see their own navigation, so
their pages are never taken from this cache; nor is a page while a message waits to be shown."""

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.translation import get_language

# Never a valid token (tokens are letters and digits), so it cannot occur in a page by chance.
TOKEN_PLACEHOLDER = "__csrf-token-placeholder__"


def cacheable(request) -> bool:
    return not request.user.is_authenticated and not len(get_messages(request))


def anonymous_page(request, *, key: str, template: str, context, seconds: int) -> HttpResponse:
    """The page of ``template`` for an anonymous visitor, cached under ``key`` (which must change
    with everything the page shows; the language and the path are added here: the pages ignore
    query strings, so these do not multiply the copies). ``context`` is a
    function returning the context, called only when the page is not cached."""
    key = f"results:page-bytes:{key}:{get_language()}:{request.path}"
    parts = cache.get(key)
    if parts is None:
        html = render_to_string(
            template, {**context(), "csrf_token": TOKEN_PLACEHOLDER}, request=request
        )
        # Kept encoded and split at the placeholder: each answer only joins bytes, never
        # searches or encodes the whole page again.
        parts = html.encode().split(TOKEN_PLACEHOLDER.encode())
        cache.set(key, parts, seconds)
    return HttpResponse(get_token(request).encode().join(parts))
