"""Keeps pages shown to a logged-in user out of shared and browser caches.

Everything behind login (answers, scores before publication, the admin) is personal or not yet
public: ``private, no-store`` stops proxies and the browser's back button from keeping a copy after
logout. Static files never get here (whitenoise answers them earlier) and anonymous pages keep
Django's defaults.
"""

from django.contrib.auth import SESSION_KEY
from django.utils.cache import patch_cache_control


def is_logged_in(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None:
        return user.is_authenticated
    # Answered before authentication ran (a refused URL or upload): the session tells.
    session = getattr(request, "session", None)
    return session is not None and SESSION_KEY in session


class PrivateCacheForAuthenticatedUsersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_logged_in(request):
            patch_cache_control(response, private=True, no_store=True)
        return response
