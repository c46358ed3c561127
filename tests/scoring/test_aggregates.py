"""Regional and global aggregates: shares of responding countries, combined rounds."""

from fractions import Fraction

import pytest

from geography.models import Country, Region
from scoring.selectors import combined_country_results, round_aggregates, round_country_results
from scoring.services.scores import score_validated_submission
from tests.factories import RoundFactory
from tests.scoring.factories import (
    PublishedResultFactory,
    answers_for_overall,
    answers_with,
    validated_submission,
)


@pytest.fixture
def rounds(instrument, all_countries):
    twelfth = RoundFactory(version=instrument, reference_year=2019)
    thirteenth = RoundFactory(version=instrument, reference_year=2021)
    thirteenth.carries_forward.set([twelfth])
    return twelfth, thirteenth


def scored(round_, iso3, category=None, answers=None):
    submission = validated_submission(
        round=round_,
        country=Country.objects.get(iso3=iso3),
        answers=answers or answers_for_overall(category),
    )
    return score_validated_submission(submission=submission, by=None).record


def region(aggregates, kind, m49):
    return next(a for a in aggregates.regions if a.region.kind == kind and a.region.m49 == m49)


def test_the_share_meeting_counts_only_responding_countries(rounds):
    _, thirteenth = rounds
    scored(thirteenth, "KEN", 4)
    scored(thirteenth, "SEN", 3)
    scored(thirteenth, "NGA", 1)
    scored(thirteenth, "DNK", 2)

    aggregates = round_aggregates(round=thirteenth)

    world = aggregates.world.measure("_T")
    assert world.responding == 4
    assert world.counts == [1, 1, 1, 1]
    assert world.share_meeting == Fraction(1, 2)
    africa = region(aggregates, Region.Kind.SDG, "202").measure("_T")
    assert africa.responding == 3  # of 48 countries: non-respondents are not counted
    assert africa.percent_meeting == Fraction(200, 3)
    europe = region(aggregates, Region.Kind.SDG, "513").measure("_T")
    assert europe.share_meeting == 0
    assert region(aggregates, Region.Kind.SDG, "753").measure("_T").share_meeting is None


def test_each_domain_is_aggregated_from_its_own_category(rounds):
    _, thirteenth = rounds
    # Domain 5 requires further progress although the overall category is Meets.
    scored(thirteenth, "KEN", answers=answers_with(no=("5a", "5b", "5c", "5d")))
    scored(thirteenth, "SEN", 4)
    world = round_aggregates(round=thirteenth).world
    assert world.measure("_T").counts == [0, 0, 1, 1]
    assert world.measure("PD_5").counts == [1, 0, 0, 1]
    assert world.measure("PD_5").share_meeting == Fraction(1, 2)
    assert world.measure("PD_1").share_meeting == 1


def test_a_country_with_only_a_published_overall_counts_in_the_overall_only(rounds):
    _, thirteenth = rounds
    PublishedResultFactory(country=Country.objects.get(iso3="FIN"), round=thirteenth, category=4)
    scored(thirteenth, "DNK", 2)
    world = round_aggregates(round=thirteenth).world
    assert world.measure("_T").responding == 2
    assert world.measure("PD_1").responding == 1


def test_a_round_counts_the_latest_result_of_each_country_among_carried_rounds(rounds):
    twelfth, thirteenth = rounds
    scored(twelfth, "KEN", 1)
    scored(twelfth, "DNK", 4)
    scored(thirteenth, "KEN", 4)  # the Thirteenth overrides the Twelfth

    aggregates = round_aggregates(round=thirteenth)

    assert aggregates.world.measure("_T").counts == [0, 0, 0, 2]
    assert [(r.reference_year, n) for r, n in aggregates.from_round_counts()] == [
        (2021, 1),
        (2019, 1),
    ]
    # The country series of 2021 holds only its own respondents.
    kenya = Country.objects.get(iso3="KEN")
    assert list(round_country_results(round=thirteenth)) == [kenya.pk]
    _, combined = combined_country_results(round=thirteenth)
    assert combined[kenya.pk].round_id == thirteenth.pk


def test_a_computed_score_wins_over_a_published_result_of_the_same_round(rounds):
    _, thirteenth = rounds
    denmark = Country.objects.get(iso3="DNK")
    PublishedResultFactory(country=denmark, round=thirteenth, category=1)
    scored(thirteenth, "DNK", 4)
    result = round_country_results(round=thirteenth)[denmark.pk]
    assert result.source_label == "computed from validated answers"
    assert result.overall == 4


def test_the_newest_published_value_is_the_current_one(rounds):
    _, thirteenth = rounds
    denmark = Country.objects.get(iso3="DNK")
    PublishedResultFactory(country=denmark, round=thirteenth, category=1)
    PublishedResultFactory(country=denmark, round=thirteenth, category=3, previous_category=1)
    assert round_country_results(round=thirteenth)[denmark.pk].overall == 3


def test_aggregates_use_the_same_number_of_queries_for_197_countries(
    rounds, django_assert_max_num_queries
):
    twelfth, thirteenth = rounds
    for index, country in enumerate(Country.objects.order_by("pk")):
        round_ = thirteenth if index % 3 else twelfth
        scored(round_, country.iso3, 1 + index % 4)

    # The carried rounds, score records, domain scores, published values, regions, countries and
    # the UN groupings' memberships on the round's date.
    with django_assert_max_num_queries(7):
        aggregates = round_aggregates(round=thirteenth)

    world = aggregates.world.measure("_T")
    assert world.responding == 197
    assert world.counts == [50, 49, 49, 49]
    assert (
        sum(
            a.measure("_T").responding
            for a in aggregates.regions
            if a.region.kind == Region.Kind.SDG
        )
        == 197
    )
