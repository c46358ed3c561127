"""While the database cannot be reached, a request gets a clear "try again" page (503), in the
user's language, with Retry-After and no traceback; nothing else changes."""

import polib
import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path
from django.utils import translation

from policyindex.middleware.database_unavailable import is_database_unavailable

MESSAGE = (
    "The database is not reachable for a moment. Nothing was half-saved: try again in a minute."
)


def _raises(error):
    def view(request):
        raise error

    return view


def _touches_the_session(request):
    request.session["seen"] = True  # saved after the view, by SessionMiddleware
    return HttpResponse("ok")


urlpatterns = [
    path("operational/", _raises(OperationalError("connection refused"))),
    path("interface/", _raises(InterfaceError("connection already closed"))),
    path("other/", _raises(ValueError("not a database problem"))),
    path("session/", _touches_the_session),
]


def _translated(language: str) -> str:
    with translation.override(language):
        return translation.gettext(MESSAGE)


@pytest.fixture
def urls():
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        yield


@pytest.mark.parametrize("address", ["/operational/", "/interface/"])
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_view_that_cannot_reach_the_database_answers_503_try_again(
    client, urls, address, language
):
    client.raise_request_exception = False
    response = client.get(address, HTTP_ACCEPT_LANGUAGE=language)
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert f'<html lang="{language}">' in body
    assert _translated(language) in body
    assert "Traceback" not in body and "connection refused" not in body
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_message_is_translated_once_the_catalogue_has_it(client, urls, language):
    catalogue = polib.pofile(
        str(settings.BASE_DIR / "policyindex" / "locale" / language / "LC_MESSAGES" / "django.po")
    )
    if catalogue.find(MESSAGE) is None:
        pytest.skip(f"the {language} catalogue does not hold the message yet (`make messages`)")
    body = client.get("/operational/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert _translated(language) != MESSAGE
    assert _translated(language) in body


def test_a_session_that_cannot_be_saved_after_the_view_answers_503_too(client, urls, monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore

    def refuse(self, must_create=False):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "save", refuse)
    client.raise_request_exception = False
    response = client.get("/session/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 503
    assert _translated("fr") in response.content.decode()


def test_other_errors_stay_server_errors(client, urls):
    client.raise_request_exception = False
    response = client.get("/other/")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers


def test_the_cause_of_an_error_counts():
    try:
        try:
            raise OperationalError("terminating connection due to administrator command")
        except OperationalError as error:
            raise RuntimeError("while rendering") from error
    except RuntimeError as wrapped:
        assert is_database_unavailable(wrapped)
    assert not is_database_unavailable(ValueError("no"))
    assert not is_database_unavailable(None)
