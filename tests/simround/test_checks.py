"""The end checks of `make simulate-round` on a tiny round: they hold for a faithful ledger and
find a lost value, a missing or extra state change, a half-written answer, a wrong release."""

import pytest

from geography.models import Region
from questionnaire.models import Answer
from questionnaire.services.answers import AnswerInput, entries_of, save_draft
from review.services import rounds as round_services
from review.services import submissions as submission_services
from simround import checks
from tests.factories import (
    AdministratorFactory,
    AnalystFactory,
    CountryFactory,
    FocalPointFactory,
    RegionFactory,
    RoundFactory,
)


def _save(by, round_, country, entries):
    submission = round_.submissions.filter(country=country).first()
    return save_draft(
        round=round_,
        country=country,
        by=by,
        base_revision=submission.revision if submission else 0,
        entries=entries,
    )


def _submit(by, round_, country):
    submission = round_.submissions.get(country=country)
    return submission_services.submission_submit(
        submission=submission, by=by, confirmed_revision=submission.revision
    )


@pytest.fixture
def story(instrument):
    """Two countries through a round: one saved by two colleagues, returned and submitted again;
    both validated; the round closed and published by an administrator."""
    RegionFactory(kind=Region.Kind.WORLD, m49="001", name="World")
    round_ = RoundFactory(version=instrument, code="sim-test", reference_year=2031)
    first, second = CountryFactory(iso3="XAA"), CountryFactory(iso3="XBB")
    fp1 = FocalPointFactory(username="fp-xaa-1", countries=[first])
    fp2 = FocalPointFactory(username="fp-xaa-2", countries=[first])
    fp3 = FocalPointFactory(username="fp-xbb-1", countries=[second])
    analyst = AnalystFactory(username="an-1")
    admin = AdministratorFactory(username="sim-admin")
    items = list(instrument.items.select_related("response_set").order_by("order"))
    answers = {
        item.code: AnswerInput(option_code=item.response_set.options.first().code) for item in items
    }
    _save(fp1, round_, first, entries_of(answers, general_comment="one"))
    _save(fp2, round_, first, {("", "general_comment"): "two"})
    _save(fp3, round_, second, entries_of(answers))
    _submit(fp1, round_, first)
    submission = round_.submissions.get(country=first)
    submission_services.submission_return(submission=submission, by=analyst, reason="why")
    _save(fp1, round_, first, {("1a", "comment"): "answered"})
    _submit(fp1, round_, first)
    _submit(fp3, round_, second)
    for country in (first, second):
        submission = round_.submissions.get(country=country)
        submission_services.submission_validate(submission=submission, by=analyst)
    round_services.round_close(round=round_, by=admin)
    round_services.round_publish(round=round_, by=admin)
    return {
        "round": round_.code,
        "saves": [
            {
                "iso3": "XAA",
                "user": "fp-xaa-1",
                "fields": {"1a|option_code": answers["1a"].option_code},
            },
            {"iso3": "XAA", "user": "fp-xaa-1", "fields": {"|general_comment": "one"}},
            {"iso3": "XAA", "user": "fp-xaa-2", "fields": {"|general_comment": "two"}},
            {"iso3": "XAA", "user": "fp-xaa-1", "fields": {"1a|comment": "answered"}},
            {
                "iso3": "XBB",
                "user": "fp-xbb-1",
                "fields": {"2a|option_code": answers["2a"].option_code},
            },
        ],
        "transitions": [
            {"iso3": "XAA", "action": "submitted", "actor": "fp-xaa-1"},
            {"iso3": "XAA", "action": "returned", "actor": "an-1"},
            {"iso3": "XAA", "action": "submitted", "actor": "fp-xaa-1"},
            {"iso3": "XAA", "action": "validated", "actor": "an-1"},
            {"iso3": "XBB", "action": "submitted", "actor": "fp-xbb-1"},
            {"iso3": "XBB", "action": "validated", "actor": "an-1"},
        ],
        "round_events": [
            {"action": "closed", "actor": "sim-admin"},
            {"action": "published", "actor": "sim-admin"},
        ],
        "queries": {},
    }


@pytest.mark.django_db
def test_a_faithful_ledger_passes_every_check(story):
    findings = checks.run(story)
    assert findings["lost_answers"] == []
    assert findings["history_mismatches"] == []
    assert findings["event_mismatches"] == []
    assert findings["release_mismatches"] == []
    assert findings["values_checked"] == 5
    assert findings["transitions_checked"] == 8
    assert findings["mail"]["written"] > 0


@pytest.mark.django_db
def test_a_value_told_saved_but_not_kept_is_lost(story):
    story["saves"].append(
        {"iso3": "XBB", "user": "fp-xbb-1", "fields": {"3a|policy_name": "Never saved Act"}}
    )
    lost = checks.lost_answers(story["round"], story["saves"])
    assert len(lost) == 1
    assert "XBB 3a policy_name" in lost[0] and "Never saved Act" in lost[0]


@pytest.mark.django_db
def test_a_superseded_value_is_not_lost_but_the_last_one_must_be_frozen(story):
    # "one" was replaced by the colleague's "two": superseded, not lost.
    assert checks.lost_answers(story["round"], story["saves"][:2]) == []
    story["saves"].append({"iso3": "XAA", "user": "fp-xaa-2", "fields": {"|general_comment": "x"}})
    assert len(checks.lost_answers(story["round"], story["saves"])) == 1


@pytest.mark.django_db
def test_a_state_change_missing_or_recorded_twice_is_found(story):
    seen_once_more = story["transitions"] + [{"iso3": "XBB", "action": "returned", "actor": "an-1"}]
    problems = checks.event_mismatches(story["round"], seen_once_more, story["round_events"])
    assert problems == ["XBB: returned by an-1 seen by the client, 1 not recorded"]
    not_seen = story["transitions"][:-1]
    problems = checks.event_mismatches(story["round"], not_seen, story["round_events"][:1])
    assert "XBB: validated by an-1 recorded 1 more time(s) than seen" in problems
    assert "round: published by sim-admin recorded 1 more time(s) than seen" in problems


@pytest.mark.django_db
def test_an_answer_changed_without_its_history_is_found(story):
    Answer.objects.filter(submission__country__iso3="XBB", item__code="4b").update(
        comment="written behind the history's back"
    )
    problems = checks.history_mismatches(story["round"])
    assert len(problems) == 1 and "4b comment" in problems[0]


def test_a_release_that_differs_from_the_engine_is_found():
    expected = {"XAA": {"_T": 3}, "XBB": {"_T": 1}}
    counts = {("sdg", "419"): {"_T": [1, 0, 1, 0]}, ("m49_region", "419"): {"_T": [0, 0, 1, 0]}}
    released_counts = {"sdg:419": {"_T": [0, 0, 1, 0]}, "m49_region:419": {"_T": [0, 0, 1, 0]}}
    problems = checks.compare_release(
        expected, {"XAA": {"_T": 3}, "XBB": {"_T": 2}}, counts, released_counts
    )
    assert "XBB: engine {'_T': 1}, release {'_T': 2}" in problems
    assert any("region sdg 419" in p for p in problems)
    assert not any("m49_region 419" in p for p in problems)
    assert checks.compare_release(expected, expected, {}, {}) == []


def test_the_engine_counts_every_region_a_country_belongs_to():
    categories = {"XAA": {"_T": 4, "PD_1": 2}}
    memberships = {"XAA": [("world", "001"), ("sdg", "419")]}
    counts = checks.expected_region_counts(
        categories, memberships, [("world", "001"), ("sdg", "419"), ("sdg", "150")]
    )
    assert counts[("world", "001")]["_T"] == [0, 0, 0, 1]
    assert counts[("sdg", "419")]["PD_1"] == [0, 1, 0, 0]
    assert counts[("sdg", "150")]["_T"] == [0, 0, 0, 0]
