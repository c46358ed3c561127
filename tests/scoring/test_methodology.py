"""The methodology as a value: the official one reproduces every stored score, any valid variant
keeps the engine's properties, and known variants give hand-computed results."""

import dataclasses
import random
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from questionnaire.models import Answer
from scoring import engine
from scoring.engine import (
    IMPUTE_OMIT,
    OFFICIAL,
    DomainRule,
    Methodology,
    MethodologyError,
    compute_score,
    counts_toward_indicator,
)
from scoring.models import ScoreRecord
from tests.factories import CountryFactory, RoundFactory
from tests.questionnaire.factories import SubmissionFactory
from tests.workflow import move_submission_to

answers_strategy = st.fixed_dictionaries(
    {
        code: st.sampled_from([None, *OFFICIAL.rule_of_item[code].option_values])
        for code in OFFICIAL.item_codes
    }
)


def with_values(methodology: Methodology, number: int, **values) -> Methodology:
    """The methodology with some option values of domain ``number`` changed."""
    domains = tuple(
        dataclasses.replace(rule, option_values={**rule.option_values, **values})
        if rule.number == number
        else rule
        for rule in methodology.domains
    )
    return dataclasses.replace(methodology, version="variant", domains=domains)


# --- The official methodology ---------------------------------------------------------------


@given(answers_strategy)
def test_the_official_value_scores_as_the_methodology_readme_says(answers):
    result = compute_score(answers, OFFICIAL)
    twice = sum(
        OFFICIAL.rule_of_item[code].option_values[value] * 2
        for code, value in answers.items()
        if value is not None
    )
    # The README's rule on twice the sum S of the 30 codes.
    expected = 4 if twice == 60 else 3 if twice >= 48 else 2 if twice >= 24 else 1
    assert result.overall.twice_sum == twice
    assert result.overall.score == Fraction(twice * 100, 60)
    assert result.overall.category.code == expected
    assert result.methodology_version == engine.METHODOLOGY_VERSION


@pytest.mark.django_db
def test_rescoring_every_stored_record_under_the_official_value_finds_it_identical(instrument):
    rng = random.Random(1072)
    round_ = RoundFactory(version=instrument)
    for index in range(12):
        submission = SubmissionFactory(round=round_, country=CountryFactory())
        for answer in Answer.objects.filter(submission=submission).select_related("item"):
            options = list(OFFICIAL.rule_of_item[answer.item.code].option_values)
            answer.option_code = rng.choice([*options, ""] if index % 3 == 0 else options)
            answer.save()
        move_submission_to(submission, "validated")

    records = list(ScoreRecord.objects.prefetch_related("domain_scores"))
    assert len(records) == 12
    for record in records:
        result = compute_score(record.answers, OFFICIAL)
        assert result.methodology_version == record.methodology_version
        assert (result.overall.twice_sum, result.overall.item_count) == (
            record.twice_sum,
            record.item_count,
        )
        assert result.overall.category.code == record.category
        assert list(result.imputed_items) == record.imputed_items
        stored = {
            d.number: (d.twice_sum, d.item_count, d.category) for d in record.domain_scores.all()
        }
        assert stored == {
            d.number: (d.twice_sum, d.item_count, d.category.code) for d in result.domains
        }


# --- Any valid variant ----------------------------------------------------------------------

values = st.fractions(min_value=0, max_value=1, max_denominator=8)


@st.composite
def variants(draw) -> Methodology:
    domains = tuple(
        DomainRule(
            number=rule.number,
            sdmx=rule.sdmx,
            item_codes=rule.item_codes,
            option_values={code: draw(values) for code in rule.option_values},
            weight=draw(st.fractions(min_value=Fraction(1, 4), max_value=4, max_denominator=4)),
        )
        for rule in OFFICIAL.domains
    )
    low = draw(st.integers(min_value=1, max_value=60))
    mid = draw(st.integers(min_value=low + 1, max_value=99))
    high = draw(st.integers(min_value=mid + 1, max_value=100))
    return Methodology(
        version="variant",
        domains=domains,
        thresholds=(Fraction(low), Fraction(mid), Fraction(high)),
        imputation=draw(st.sampled_from([engine.IMPUTE_ZERO, IMPUTE_OMIT])),
        aggregate_categories=frozenset(draw(st.sets(st.integers(1, 4), min_size=1))),
    )


@given(variants(), answers_strategy)
def test_under_any_variant_the_overall_score_is_the_weighted_mean_of_the_domains(variant, answers):
    result = compute_score(answers, variant)
    weights = [rule.weight for rule in variant.domains]
    expected = sum(w * d.score for w, d in zip(weights, result.domains, strict=True)) / sum(weights)
    assert result.overall.score == expected
    assert all(isinstance(d.score, Fraction) and 0 <= d.score <= 100 for d in result.domains)


@given(variants(), st.fractions(0, 100), st.fractions(0, 100))
def test_under_any_variant_categories_never_fall_as_the_score_rises(variant, a, b):
    low, high = sorted((a, b))
    assert (
        engine.category_for_score(low, variant.thresholds).code
        <= engine.category_for_score(high, variant.thresholds).code
    )


# --- Known variants, computed by hand -------------------------------------------------------

# The README's example: domain categories Meets, Meets, Fully meets, Meets, Requires further
# progress, Fully meets, and "Partially meets" overall (sum of codes 23.5 of 30, 78.3).
README_EXAMPLE = {
    **{code: "yes_all" for code in ("1a", "1b", "1c", "1d")},
    "1e": "yes_legal",
    **{f"2{letter}": "yes" for letter in "abcd"},
    "2e": "no",
    **{f"3{letter}": "yes" for letter in "abcde"},
    **{f"4{letter}": "yes" for letter in "abcd"},
    "4e": "no",
    "5a": "yes",
    **{f"5{letter}": "no" for letter in "bcde"},
    **{f"6{letter}": "yes" for letter in "abcde"},
}


def test_the_readme_example_is_partially_meets_at_78_3_officially():
    result = compute_score(README_EXAMPLE)
    assert [d.category.code for d in result.domains] == [3, 3, 4, 3, 1, 4]
    assert result.overall.score == Fraction(235, 3)
    assert result.overall.category.code == 2


def test_valuing_yes_only_with_legal_status_at_0_moves_the_readme_example():
    variant = with_values(OFFICIAL, 1, yes_legal=Fraction(0))
    result = compute_score(README_EXAMPLE, variant)
    assert result.domain(1).score == 80  # from 90
    assert result.overall.score == Fraction(230, 3)  # from 78.3 to 76.7
    assert result.overall.category.code == 2
    assert result.methodology_version == "variant"


def test_a_threshold_of_75_instead_of_80_moves_a_country_at_76_7_from_2_to_3():
    at_76_7 = with_values(OFFICIAL, 1, yes_legal=Fraction(0))
    assert compute_score(README_EXAMPLE, at_76_7).overall.category.code == 2
    lower_meets = dataclasses.replace(
        at_76_7, thresholds=(Fraction(40), Fraction(75), Fraction(100))
    )
    result = compute_score(README_EXAMPLE, lower_meets)
    assert result.overall.score == Fraction(230, 3)
    assert result.overall.category.code == 3


def test_leaving_unanswered_items_out_averages_the_answered_ones():
    answers = {"2a": "yes", "2b": "yes", "2c": "no"}  # 2d and 2e unanswered
    official = compute_score(answers).domain(2)
    omitted = compute_score(answers, dataclasses.replace(OFFICIAL, imputation=IMPUTE_OMIT)).domain(
        2
    )
    assert (official.score, official.item_count) == (40, 5)
    assert (omitted.score, omitted.item_count) == (Fraction(200, 3), 3)
    assert omitted.imputed_items == ("2d", "2e")


def test_the_aggregate_rule_says_which_categories_count():
    partially_too = dataclasses.replace(OFFICIAL, aggregate_categories=frozenset({2, 3, 4}))
    assert not counts_toward_indicator(2)
    assert counts_toward_indicator(2, partially_too)
    assert counts_toward_indicator(4) and not counts_toward_indicator(1, partially_too)


@pytest.mark.parametrize(
    "change",
    [
        {"thresholds": (Fraction(80), Fraction(40), Fraction(100))},
        {"thresholds": (Fraction(0), Fraction(40), Fraction(100))},
        {"imputation": "mean"},
        {"aggregate_categories": frozenset()},
    ],
)
def test_a_methodology_that_cannot_score_is_refused(change):
    with pytest.raises(MethodologyError):
        dataclasses.replace(OFFICIAL, **change)


def test_an_option_value_must_be_exact_and_between_0_and_1():
    with pytest.raises(MethodologyError):
        with_values(OFFICIAL, 2, yes=0.5)
    with pytest.raises(MethodologyError):
        with_values(OFFICIAL, 2, yes=Fraction(3, 2))


# --- The instrument comes from the questionnaire version -------------------------------------


@pytest.mark.django_db
def test_the_official_methodology_reads_its_items_and_values_from_the_questionnaire_version(
    instrument,
):
    from scoring.methodologies import official_methodology

    read = official_methodology(instrument)
    assert read.version == OFFICIAL.version
    assert [(r.number, r.sdmx, r.item_codes, dict(r.option_values)) for r in read.domains] == [
        (r.number, r.sdmx, r.item_codes, dict(r.option_values)) for r in OFFICIAL.domains
    ]
    rng = random.Random(7)
    for _ in range(50):
        answers = {
            code: rng.choice([None, *rule.option_values])
            for rule in read.domains
            for code in rule.item_codes
        }
        assert compute_score(answers, read) == compute_score(answers, OFFICIAL)


@pytest.mark.django_db
def test_the_official_rules_are_stored_with_the_first_score_record_and_read_back_equal(instrument):
    from scoring.models import MethodologyVersion

    submission = SubmissionFactory(round=RoundFactory(version=instrument), country=CountryFactory())
    move_submission_to(submission, "validated")
    move_submission_to(
        SubmissionFactory(round=submission.round, country=CountryFactory()), "validated"
    )

    stored = MethodologyVersion.objects.get()
    assert (
        stored.version
        == engine.METHODOLOGY_VERSION
        == ScoreRecord.objects.first().methodology_version
    )
    assert engine.methodology_from_data(stored.rules) == OFFICIAL


def test_a_methodology_survives_being_written_as_data():
    variant = with_values(OFFICIAL, 1, yes_legal=Fraction(1, 3))
    variant = dataclasses.replace(
        variant, imputation=IMPUTE_OMIT, thresholds=(Fraction(30), Fraction(75), Fraction(100))
    )
    assert engine.methodology_from_data(engine.methodology_as_data(variant)) == variant
    with pytest.raises(MethodologyError):
        engine.methodology_from_data({"version": "x"})
