"""A message confirming an action is shown in the language of the page that shows it."""

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy, ngettext_lazy

from kernel.messages import TranslatedWhenShownStorage, translate_when_shown
from tests.factories import AdministratorFactory


def request_with_storage(cookies=None):
    request = RequestFactory().get("/")
    if cookies:
        request.COOKIES.update(cookies)
    request.session = SessionStore()
    request._messages = TranslatedWhenShownStorage(request)
    return request


def carry_over(request):
    """Stores the request's messages as the end of a request does, and gives the cookies."""
    response = HttpResponse()
    request._messages.update(response)
    return {name: morsel.value for name, morsel in response.cookies.items()}, request.session


@pytest.mark.django_db
def test_a_message_added_in_french_is_shown_in_spanish_on_a_spanish_page():
    adding = request_with_storage()
    with translation.override("fr"):
        messages.success(adding, gettext_lazy("Draft saved."))
    cookies, session = carry_over(adding)

    showing = request_with_storage(cookies)
    showing.session = session
    with translation.override("es"):
        shown = [str(message) for message in get_messages(showing)]

    assert shown == ["Borrador guardado."]


@pytest.mark.django_db
def test_parameters_and_plurals_are_translated_when_shown():
    adding = request_with_storage()
    with translation.override("fr"):
        messages.error(
            adding,
            translate_when_shown(
                gettext_lazy("Nothing was saved. %(reason)s"),
                reason=gettext_lazy("Nothing had changed since the last save."),
            ),
        )
        messages.info(
            adding,
            translate_when_shown(
                ngettext_lazy(
                    "The questionnaire was not submitted: %(count)s item has no answer.",
                    "The questionnaire was not submitted: %(count)s items have no answer.",
                    3,
                ),
                count=3,
            ),
        )
    cookies, _session = carry_over(adding)

    with translation.override("es"):
        shown = [str(m) for m in get_messages(request_with_storage(cookies))]

    assert shown == [
        "No se guardó nada. No se había modificado nada desde la última vez que se guardó.",
        "El cuestionario no se ha presentado: 3 elementos no tienen respuesta.",
    ]


@pytest.mark.django_db
def test_a_plain_string_message_is_shown_as_it_was_written():
    adding = request_with_storage()
    messages.warning(adding, "Kenya: 3 items changed.")
    cookies, _session = carry_over(adding)
    with translation.override("fr"):
        assert [str(m) for m in get_messages(request_with_storage(cookies))] == [
            "Kenya: 3 items changed."
        ]


@pytest.mark.django_db
def test_a_message_is_shown_on_the_next_page_in_that_page_language(client, settings):
    """Through the real middleware: added during a French request, shown on a Spanish page."""
    client.force_login(AdministratorFactory())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    with translation.override("fr"):
        page = client.get(reverse("home"))
        messages.success(page.wsgi_request, gettext_lazy("Draft saved."))
        page.wsgi_request._messages.update(page)
    client.cookies.update(page.cookies)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"

    html = client.get(reverse("home")).content.decode()

    assert "Borrador guardado." in html
    assert "Brouillon enregistré." not in html
