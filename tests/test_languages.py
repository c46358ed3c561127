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


@pytest.mark.django_db
def test_round_names_follow_the_language_and_fall_back_to_english():
    from django.utils import translation

    from fixtures.rounds import load_rounds
    from questionnaire.models import Round

    load_rounds()
    thirteenth = Round.objects.get(reference_year=2021)
    with translation.override("fr"):
        assert thirteenth.display_name == "Treizième Enquête (2021)"
    with translation.override("es"):
        assert str(thirteenth) == "Decimotercera Encuesta (2021)"
    thirteenth.name_es = ""
    with translation.override("es"):
        assert thirteenth.display_name == "Thirteenth Inquiry (2021)"
