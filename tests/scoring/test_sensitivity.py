"""How far a country is from the next category, and which answers its category rests on."""

import dataclasses
from fractions import Fraction

import pytest
from django.urls import reverse
from hypothesis import given, settings

from scoring.engine import OFFICIAL, compute_score, normalise_answers
from scoring.sensitivity import DOWN, UP, sensitivity
from tests.scoring.test_methodology import README_EXAMPLE, answers_strategy


def apply(answers, distance):
    return {**answers, **{s.item_code: s.becomes for s in distance.shifts}}


def test_the_readme_example_is_one_answer_from_meets_and_twelve_from_requires_further_progress():
    found = sensitivity(README_EXAMPLE)
    assert found.category.code == 2
    assert (found.up.direction, found.up.category.code, found.up.count) == (UP, 3, 1)
    # The largest move first: a "No" of domains 2-6 becoming "Yes" (+1), not 1e (+0.5).
    assert found.up.shifts[0].was == "no" and found.up.shifts[0].becomes == "yes"
    # 23.5 must fall below 12: twelve answers worth 1 each.
    assert (found.down.direction, found.down.category.code, found.down.count) == (DOWN, 1, 12)
    assert compute_score(apply(README_EXAMPLE, found.down)).overall.category.code == 1
    assert compute_score(apply(README_EXAMPLE, found.up)).overall.category.code == 3


def test_no_fewer_answers_would_do():
    found = sensitivity(README_EXAMPLE)
    eleven = dataclasses.replace(found.down, shifts=found.down.shifts[:11])
    assert compute_score(apply(README_EXAMPLE, eleven)).overall.category.code == 2


def test_the_top_and_bottom_categories_have_nowhere_further_to_go():
    everything = {
        code: max(r.option_values, key=r.option_values.get)
        for r in OFFICIAL.domains
        for code in r.item_codes
    }
    nothing = {}
    assert sensitivity(everything).up is None
    assert sensitivity(everything).down.count == 1  # any answer off 100 leaves "Fully meets"
    assert sensitivity(nothing).down is None
    assert sensitivity(nothing).up.category.code == 2


def test_under_a_variant_the_distance_follows_its_thresholds():
    lower = dataclasses.replace(
        OFFICIAL, version="variant", thresholds=(Fraction(40), Fraction(75), Fraction(100))
    )
    assert sensitivity(README_EXAMPLE, lower).category.code == 3


@pytest.mark.django_db
def test_the_country_page_shows_which_answers_the_category_rests_on(client, instrument):
    from questionnaire.models import Answer
    from tests.factories import AnalystFactory, CountryFactory, RoundFactory
    from tests.questionnaire.factories import SubmissionFactory
    from tests.workflow import move_submission_to

    round_ = RoundFactory(version=instrument)
    country = CountryFactory(iso3="KEN", name="Kenya")
    submission = SubmissionFactory(round=round_, country=country)
    for answer in Answer.objects.filter(submission=submission).select_related("item"):
        answer.option_code = README_EXAMPLE[answer.item.code]
        answer.save()
    move_submission_to(submission, "validated")
    client.force_login(AnalystFactory())

    html = client.get(reverse("scoring:country", args=[round_.code, "KEN"])).content.decode()

    assert 'id="sensitivity"' in html
    assert "Up to “Meets”: 1 answer would have to change" in html
    assert "Down to “Requires further progress”: 12 answers would have to change" in html


@settings(max_examples=60, deadline=None)
@given(answers_strategy)
def test_the_direct_count_agrees_with_rescoring_change_by_change(answers):
    from scoring import sensitivity as module

    current = dict(normalise_answers(answers))
    category = compute_score(current).overall.category
    for direction in (UP, DOWN):
        target = category.code + (1 if direction == UP else -1)
        if not 1 <= target <= 4:
            continue
        direct = module._linear_distance(current, OFFICIAL, target, direction)
        rescored = module._greedy_distance(current, OFFICIAL, target, direction)
        assert (direct is None) == (rescored is None)
        if direct is not None:
            assert direct.count == rescored.count
            assert direct.category == compute_score(apply(current, direct)).overall.category
