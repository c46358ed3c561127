"""The consistency checks: plain functions of a version's answers, and their count for many
submissions in a fixed number of queries."""

from types import SimpleNamespace

from django.db import connection
from django.test.utils import CaptureQueriesContext

from review import checks
from review.checks import Flag
from tests.questionnaire.factories import SubmissionFactory
from tests.scoring.factories import validated_submission

from .conftest import EVIDENCE, submit

VALUES = {
    "1a": {"yes_all": 1, "yes_legal": 0.5, "no": 0},
    "2a": {"yes": 1, "no": 0},
}
BLANK = dict.fromkeys(checks.EVIDENCE_FIELDS, "") | {"policy_year": None}


def answer(option, **evidence):
    return {"option_code": option, **BLANK, **evidence}


def test_an_answer_unlike_the_previous_rounds_is_flagged_with_both_codes():
    flags = checks.changed_since_previous_round(
        {"1a": answer("no"), "2a": answer("yes"), "3a": answer("")},
        {"1a": "yes_all", "2a": "yes", "3a": "no"},
    )
    assert flags == [Flag("previous_round", "1a", old="yes_all", new="no")]
    assert flags[0].key == "previous_round:1a"


def test_an_item_the_previous_round_left_blank_is_not_compared():
    assert checks.changed_since_previous_round({"1a": answer("no")}, {"1a": ""}) == []
    assert checks.changed_since_previous_round({"1a": answer("no")}, {}) == []


def test_a_yes_type_answer_without_any_evidence_is_flagged():
    answers = {"1a": answer("yes_legal"), "2a": answer("yes")}
    assert [f.key for f in checks.yes_without_evidence(answers, VALUES)] == [
        "no_evidence:1a",
        "no_evidence:2a",
    ]


def test_one_evidence_field_is_enough_and_a_no_needs_none():
    answers = {
        "1a": answer("yes_all", comment="See the 2015 act."),
        "2a": answer("no"),
    }
    assert checks.yes_without_evidence(answers, VALUES) == []
    assert checks.yes_without_evidence({"2a": answer("yes", policy_year=2010)}, VALUES) == []
    # Blank spaces are no evidence.
    assert checks.yes_without_evidence({"2a": answer("yes", citation="   ")}, VALUES) != []


def test_evidence_dated_after_the_reference_year_is_flagged():
    answers = {
        "1a": answer("yes_all", policy_year=2031),
        "2a": answer("yes", policy_year=2030),
        "3a": answer("yes", policy_year="2032"),
    }
    flags = checks.evidence_after_reference_year(answers, 2030)
    assert [(f.key, f.year) for f in flags] == [
        ("late_evidence:1a", 2031),
        ("late_evidence:3a", 2032),
    ]


def test_version_flags_are_ordered_by_item_then_check():
    answers = {"2a": answer("yes", policy_year=2040), "1a": answer("no")}
    flags = checks.version_flags(
        answers,
        option_values=VALUES,
        previous={"1a": "yes_all", "2a": "no"},
        reference_year=2030,
        item_order=["1a", "2a"],
    )
    assert [f.key for f in flags] == [
        "previous_round:1a",
        "previous_round:2a",
        "late_evidence:2a",
    ]


def test_option_values_come_from_the_items_options():
    item = SimpleNamespace(
        code="1a",
        options=[SimpleNamespace(code="yes_all", value=1), SimpleNamespace(code="no", value=0)],
    )
    assert checks.option_values_of([item]) == {"1a": {"yes_all": 1, "no": 0}}


def test_the_words_of_a_flag_name_answers_by_their_label():
    flag = Flag("previous_round", "1a", old="yes_all", new="no")
    labels = {"yes_all": "Yes, regardless", "no": "No"}
    words = {"label": lambda code, option: labels[option], "previous_round": "Round 12"}
    message = checks.describe(flag, **words, reference_year=2030)
    assert "Round 12" in message and "Yes, regardless" in message and "yes_all" not in message
    assert "yes_all" not in checks.query_text(flag, **words, reference_year=2030)


def test_flag_counts_of_many_submissions_take_a_fixed_number_of_queries(
    instrument, open_round, focal_point, kenya
):
    from tests.factories import CountryFactory, FocalPointFactory, RoundFactory

    earlier = RoundFactory(version=instrument, reference_year=2020)
    validated_submission(round=earlier, country=kenya, answers={"1a": "no"})

    def submitted_for(country, by, **evidence):
        submission = SubmissionFactory(round=open_round, country=country)
        from tests.questionnaire.factories import answer_all

        answer_all(submission, **evidence)
        submission.revision = 1
        submission.save(update_fields=["revision"])
        submit(submission, by)
        return submission

    kenya_submission = submitted_for(kenya, focal_point)  # no evidence at all
    others = []
    for _ in range(3):
        country = CountryFactory()
        others.append(submitted_for(country, FocalPointFactory(countries=[country]), **EVIDENCE))
    draft = SubmissionFactory(round=open_round, country=CountryFactory())

    checks.flag_counts([kenya_submission])  # the instrument is read once per process
    with CaptureQueriesContext(connection) as few:
        checks.flag_counts([kenya_submission])
    with CaptureQueriesContext(connection) as many:
        counts = checks.flag_counts([kenya_submission, *others, draft])
    assert len(many) == len(few)
    # Kenya: 30 "Yes"-type answers without evidence, and 1a differs from the previous round's "No".
    assert counts[kenya_submission.pk] == 30 + 1
    assert all(counts[s.pk] == 0 for s in others)
    assert counts[draft.pk] == 0
