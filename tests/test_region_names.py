"""Region names (World, M49 and SDG regions) in English, French and Spanish, with fallback."""

import pytest
from django.utils import translation

from fixtures.geography import load_countries
from geography.models import Region


@pytest.mark.django_db
def test_every_region_has_a_french_and_a_spanish_name():
    load_countries()
    regions = Region.objects.all()
    assert regions.count() > 30
    missing = [(r.kind, r.m49, r.name) for r in regions if not (r.name_fr and r.name_es)]
    assert missing == []


@pytest.mark.django_db
def test_region_names_follow_the_language():
    load_countries()
    eastern_africa = Region.objects.get(kind=Region.Kind.M49_INTERMEDIATE, m49="014")
    sdg_africa = Region.objects.get(kind=Region.Kind.SDG, m49="202")
    with translation.override("fr"):
        assert eastern_africa.display_name == "Afrique orientale"
        assert sdg_africa.display_name == "Afrique subsaharienne"
    with translation.override("es"):
        assert eastern_africa.display_name == "África oriental"
    with translation.override("en"):
        assert eastern_africa.display_name == "Eastern Africa"


@pytest.mark.django_db
def test_loading_again_fills_the_names_of_regions_loaded_before_they_were_translated():
    load_countries()
    Region.objects.update(name_fr="", name_es="")
    caribbean = Region.objects.get(kind=Region.Kind.M49_INTERMEDIATE, m49="029")
    with translation.override("es"):
        assert caribbean.display_name == "Caribbean"  # falls back to English

    load_countries()

    caribbean.refresh_from_db()
    assert (caribbean.name_fr, caribbean.name_es) == ("Caraïbes", "El Caribe")
    assert not Region.objects.filter(name_fr="").exists()


@pytest.mark.django_db
def test_a_second_load_changes_nothing(django_assert_max_num_queries):
    load_countries()
    before = list(Region.objects.values_list("pk", "name", "name_fr", "name_es").order_by("pk"))
    load_countries()
    after = list(Region.objects.values_list("pk", "name", "name_fr", "name_es").order_by("pk"))
    assert after == before
