"""Who may see what: focal points their countries, regional analysts their region."""

import pytest
from django.urls import reverse

from geography.models import Country, Region
from policyindex.access import countries_visible_to, may_see_country, submissions_visible_to
from questionnaire.services.submissions import start_submission
from tests.factories import (
    AdministratorFactory,
    AnalystFactory,
    CountryFactory,
    FocalPointFactory,
    RoundFactory,
)


@pytest.fixture
def kenya_and_denmark(all_countries):
    return Country.objects.get(iso3="KEN"), Country.objects.get(iso3="DNK")


def test_a_focal_point_sees_only_their_own_countries(kenya_and_denmark):
    kenya, _ = kenya_and_denmark
    focal_point = FocalPointFactory(countries=[kenya])
    assert list(countries_visible_to(focal_point)) == [kenya]


def test_an_analyst_scoped_to_a_region_sees_only_that_region(kenya_and_denmark):
    ssa = Region.objects.get(kind=Region.Kind.SDG, m49="202")
    analyst = AnalystFactory(regions=[ssa])
    visible = countries_visible_to(analyst)
    assert visible.count() == 48
    assert set(visible.values_list("sdg_region__m49", flat=True)) == {"202"}


def test_an_analyst_scoped_to_an_m49_subregion_sees_its_countries(all_countries):
    northern_europe = Region.objects.get(kind=Region.Kind.M49_SUBREGION, m49="154")
    analyst = AnalystFactory(regions=[northern_europe])
    assert "DNK" in set(countries_visible_to(analyst).values_list("iso3", flat=True))
    assert "KEN" not in set(countries_visible_to(analyst).values_list("iso3", flat=True))


def test_a_global_analyst_and_an_administrator_see_every_country(all_countries):
    assert countries_visible_to(AnalystFactory()).count() == 197
    assert countries_visible_to(AdministratorFactory()).count() == 197


def test_an_inactive_user_sees_nothing(kenya_and_denmark):
    kenya, _ = kenya_and_denmark
    focal_point = FocalPointFactory(countries=[kenya], is_active=False)
    assert not countries_visible_to(focal_point).exists()


def test_submissions_are_scoped_like_countries(instrument):
    mine, theirs = CountryFactory(), CountryFactory()
    round_ = RoundFactory(version=instrument)
    own = start_submission(round=round_, country=mine)
    start_submission(round=round_, country=theirs)
    focal_point = FocalPointFactory(countries=[mine])
    assert list(submissions_visible_to(focal_point)) == [own]


def test_the_page_of_another_country_answers_404_and_shows_nothing(client, kenya_and_denmark):
    kenya, denmark = kenya_and_denmark
    client.force_login(FocalPointFactory(countries=[kenya]))
    own = client.get(reverse("questionnaire:country", args=["KEN"]))
    other = client.get(reverse("questionnaire:country", args=["DNK"]))
    assert own.status_code == 200 and "Kenya" in own.content.decode()
    assert other.status_code == 404
    assert "Denmark" not in other.content.decode()


def test_a_regional_analyst_gets_404_for_a_country_outside_the_region(client, kenya_and_denmark):
    client.force_login(AnalystFactory(regions=[Region.objects.get(kind="sdg", m49="202")]))
    assert client.get(reverse("questionnaire:country", args=["KEN"])).status_code == 200
    assert client.get(reverse("questionnaire:country", args=["DNK"])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, kenya_and_denmark):
    response = client.get(reverse("questionnaire:country", args=["KEN"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_may_see_country_answers_as_countries_visible_to_for_every_user_and_country(
    kenya_and_denmark,
):
    """The review pages ask about a country already read; the answer is the same rule's."""
    kenya, denmark = kenya_and_denmark
    ssa = Region.objects.get(kind=Region.Kind.SDG, m49="202")
    northern_europe = Region.objects.get(kind=Region.Kind.M49_SUBREGION, m49="154")
    world = Region.objects.filter(kind="world").first()
    users = [
        AnalystFactory(),
        AnalystFactory(regions=[ssa]),
        AnalystFactory(regions=[northern_europe]),
        AnalystFactory(regions=[ssa, northern_europe]),
        AnalystFactory(regions=[ssa], is_active=False),
        AdministratorFactory(),
        FocalPointFactory(countries=[kenya]),
        FocalPointFactory(countries=[kenya], is_active=False),
    ]
    if world is not None:
        users.append(AnalystFactory(regions=[world, ssa]))
    countries = list(Country.objects.all())
    for user in users:
        visible = set(countries_visible_to(user).values_list("pk", flat=True))
        # A fresh copy of the user: what access.py learns lives one request.
        fresh = type(user).objects.get(pk=user.pk)
        assert {c.pk for c in countries if may_see_country(fresh, c)} == visible, user
    assert denmark.pk not in {c.pk for c in countries if may_see_country(users[1], c)}
