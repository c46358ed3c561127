"""Whole public pages cached for anonymous visitors (``kernel.page_cache``).

A public page is the same for every anonymous visitor in a language, except for the security token
of the language form, which the kernel puts in per visitor. Signed-in people see their own
navigation, so their pages are never taken from this cache; nor is a page while a message waits to
be shown."""

from django.template.loader import render_to_string
from django.utils.translation import get_language

from kernel.page_cache import no_message_waiting, page_with_own_token


def cacheable(request) -> bool:
    return not request.user.is_authenticated and no_message_waiting(request)


def anonymous_page(request, *, key: str, template: str, context, seconds: int):
    """The page of ``template`` for an anonymous visitor, cached under ``key`` (which must change
    with everything the page shows; the language and the path are added here: the pages ignore
    query strings, so these do not multiply the copies). ``context`` is a function returning the
    context, called only when the page is not cached."""
    return page_with_own_token(
        request,
        key=f"results:page-bytes:{key}:{get_language()}:{request.path}",
        render=lambda extra: render_to_string(template, {**context(), **extra}, request=request),
        seconds=seconds,
    )
