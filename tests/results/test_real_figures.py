"""A fresh set-up shows the UN's real published figures."""

import pytest
from django.core.management import call_command

from questionnaire.models import Round
from scoring.models import Release
from scoring.selectors import round_aggregates

pytestmark = pytest.mark.django_db


def test_reference_data_loads_the_published_2021_headline_of_62_3_per_cent_of_138_countries():
    call_command("load_reference_data", verbosity=0)

    world = round_aggregates(round=Round.objects.get(code="inquiry-13-2021")).world
    overall = world.measure("_T")
    assert (overall.responding, overall.meeting) == (138, 86)
    assert round(float(overall.percent_meeting), 1) == 62.3
    assert world.invited == 197


def test_the_2019_round_counts_its_111_respondents_with_their_domains():
    call_command("load_reference_data", verbosity=0)

    world = round_aggregates(round=Round.objects.get(code="inquiry-12-2019")).world
    assert world.measure("_T").responding == 111
    assert world.measure("PD_1").responding == 111


def test_loading_the_reference_data_again_writes_no_new_release():
    call_command("load_reference_data", verbosity=0)
    releases = Release.objects.count()

    call_command("load_reference_data", verbosity=0)

    assert Release.objects.count() == releases
    # Each real round: the empty release of its publication, then the release of the import.
    assert list(
        Release.objects.filter(round__code="inquiry-13-2021")
        .order_by("number")
        .values_list("number", flat=True)
    ) == [1, 2]
