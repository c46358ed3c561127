"""The interface speaks English, French and Spanish."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, text", [("fr", "Mot de passe oublié"), ("es", "¿Olvidó su contraseña?")]
)
def test_choosing_a_language_translates_the_interface(client, language, text):
    client.post(reverse("set_language"), {"language": language, "next": reverse("login")})
    html = client.get(reverse("login")).content.decode()
    assert f'lang="{language}"' in html
    assert text in html


@pytest.mark.django_db
def test_the_browser_language_is_followed_when_nothing_was_chosen(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="es"' in html
