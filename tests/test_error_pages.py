"""Errors answer with a clear page in the user's language, not a bare server message."""

import pytest
from django.urls import reverse

from tests.factories import FocalPointFactory


@pytest.mark.django_db
def test_an_unknown_address_shows_a_translated_not_found_page(client):
    client.force_login(FocalPointFactory())
    client.post(reverse("set_language"), {"language": "fr"})
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.django_db
def test_a_form_without_its_security_token_is_refused_with_an_explanation(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(FocalPointFactory())
    response = strict.post(reverse("logout"))
    assert response.status_code == 403
    assert "Nothing was changed" in response.content.decode()
