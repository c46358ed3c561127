"""Every page works on a network with no internet: nothing is loaded from another host."""

import re

import pytest
from django.urls import reverse

from geography.models import Country
from tests.factories import AdministratorFactory, FocalPointFactory

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


def assert_no_external_assets(html: str) -> None:
    found = EXTERNAL.findall(html)
    assert not found, found


@pytest.mark.django_db
def test_the_login_page_loads_nothing_from_the_internet(client):
    html = client.get(reverse("login")).content.decode()
    assert "vendor/bootstrap/bootstrap.min.css" in html
    assert_no_external_assets(html)


def test_pages_of_a_signed_in_user_load_nothing_from_the_internet(client, all_countries):
    kenya = Country.objects.get(iso3="KEN")
    client.force_login(FocalPointFactory(countries=[kenya]))
    for url in (
        reverse("home"),
        reverse("questionnaire:country", args=["KEN"]),
        reverse("password_change"),
    ):
        assert_no_external_assets(client.get(url).content.decode())
    client.force_login(AdministratorFactory())
    assert_no_external_assets(client.get(reverse("admin:index")).content.decode())


def test_the_vendored_bootstrap_is_served_locally(client, db):
    response = client.get("/static/vendor/bootstrap/bootstrap.bundle.min.js")
    assert response.status_code == 200
