"""The rules of a methodology as data: the official ones give the official results, a variant's
rules are checked with messages in the user's language, and numbers are read exactly."""

import random
from fractions import Fraction

import pytest
from django.utils import translation

from lab.rules import (
    RulesError,
    decimal_str,
    methodology_of,
    official_rules,
    parse_exact,
    rules_problems,
    without_item,
)
from scoring import engine


def random_answers(rng: random.Random) -> dict:
    return {
        code: rng.choice([None, *engine.OFFICIAL.rule_of_item[code].option_values])
        for code in engine.OFFICIAL.item_codes
    }


def test_the_official_rules_as_data_score_every_answer_as_the_official_methodology():
    methodology = methodology_of(official_rules(), version="round-trip")
    rng = random.Random(1072)
    for _ in range(300):
        answers = random_answers(rng)
        ours, official = (
            engine.compute_score(answers, methodology),
            engine.compute_score(answers, engine.OFFICIAL),
        )
        assert ours.overall == official.overall
        assert ours.domains == official.domains
    assert methodology.thresholds == engine.OFFICIAL.thresholds
    assert methodology.aggregate_categories == engine.OFFICIAL.aggregate_categories
    assert methodology.imputation == engine.IMPUTE_ZERO


def test_the_official_rules_are_exact_strings():
    rules = official_rules()
    assert rules["values"]["1"] == {"yes_all": "1", "yes_legal": "1/2", "no": "0"}
    assert rules["values"]["6"] == {"yes": "1", "no": "0"}
    assert rules["weights"] == {str(n): "1" for n in range(1, 7)}
    assert rules["thresholds"] == ["40", "80", "100"]
    assert rules["aggregate"] == [3, 4]
    assert rules["imputation"] == "zero"


def test_a_variant_is_versioned_by_its_primary_key():
    class Stored:
        pk = 12
        rules = official_rules()

    assert methodology_of(Stored()).version == "variant:12"


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.5", Fraction(1, 2)), ("0,25", Fraction(1, 4)), ("1/3", Fraction(1, 3)), ("80", 80)],
)
def test_numbers_are_read_exactly(text, value):
    assert parse_exact(text) == value


@pytest.mark.parametrize("text", ["0.1e1", "nan", "inf", "1/0", "", "0.30000000000000004", 0.5])
def test_floats_and_noise_are_refused(text):
    with pytest.raises(ValueError):
        parse_exact(text)


def test_numbers_are_written_as_typed():
    assert decimal_str(Fraction(1, 2)) == "0.5"
    assert decimal_str(Fraction(1, 3)) == "1/3"
    assert decimal_str(Fraction(75)) == "75"
    assert decimal_str(Fraction(1, 20)) == "0.05"


def broken(**changes) -> dict:
    rules = official_rules()
    rules.update(changes)
    return rules


def test_valid_rules_have_no_problem():
    assert rules_problems(official_rules()) == []


def test_each_problem_is_said():
    rules = official_rules()
    rules["values"]["2"]["yes"] = "3/2"
    rules["weights"]["4"] = "0"
    rules["thresholds"] = ["80", "40", "100"]
    rules["aggregate"] = []
    problems = rules_problems(rules)
    assert "Domain 2, option “yes”: a value lies between 0 and 1." in problems
    assert "Domain 4: a weight is greater than 0." in problems
    assert any(p.startswith("The thresholds must rise") for p in problems)
    assert "Choose at least one category that the aggregates count." in problems
    with pytest.raises(RulesError):
        methodology_of(rules)


def test_problems_are_said_in_the_users_language():
    with translation.override("fr"):
        french = rules_problems(broken(aggregate=[]))
    with translation.override("en"):
        english = rules_problems(broken(aggregate=[]))
    assert english == ["Choose at least one category that the aggregates count."]
    assert len(french) == 1 and french[0]


def test_an_item_left_out_is_not_scored():
    reduced = without_item(engine.OFFICIAL, "2a")
    result = engine.compute_score({"2b": "yes", "2c": "yes", "2d": "yes", "2e": "yes"}, reduced)
    assert result.domain(2).score == 100
    assert result.domain(2).item_count == 4
