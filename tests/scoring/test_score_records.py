"""Every score shown comes from a stored, append-only score record."""

from fractions import Fraction

import pytest

from questionnaire.models import Submission
from scoring import engine
from scoring.models import DomainScore, ScoreRecord
from scoring.services.scores import (
    NotScorableError,
    recompute_scores,
    score_validated_submission,
)
from tests.factories import AnalystFactory, RoundFactory
from tests.scoring.factories import answers_with, validated_submission
from tests.workflow import revalidate_with


@pytest.fixture
def round_(instrument):
    return RoundFactory(version=instrument)


def test_scoring_a_validated_submission_records_every_domain_and_the_overall_result(round_):
    analyst = AnalystFactory()
    # The methodology page's example: Meets, Meets, Fully meets, Meets, Requires further
    # progress, Fully meets in the domains, Partially meets overall (23.5 of 30).
    answers = answers_with(legal=("1a",), no=("2a", "4a", "5a", "5b", "5c", "5d"))
    submission = validated_submission(
        round=round_, answers=answers, validated_by=analyst, note="Validated"
    )

    record = submission.score_records.get()
    assert record.submission_version == submission.versions.get()
    assert record.country == submission.country and record.round == round_
    assert record.submission == submission
    assert record.answers == answers
    assert record.answers_hash == engine.answers_fingerprint(answers)
    assert record.methodology_version == engine.METHODOLOGY_VERSION
    assert record.sum_of_codes == Fraction(47, 2)
    assert record.exact_score == Fraction(235, 3)
    assert record.category == 2
    assert record.triggered_by == analyst and record.reason == "Validated"
    assert record.trigger == ScoreRecord.Trigger.VALIDATION
    categories = list(record.domain_scores.values_list("category", flat=True))
    assert categories == [3, 3, 4, 3, 1, 4]
    assert record.domain_scores.get(number=1).exact_score == 90


def test_unanswered_items_are_scored_zero_and_listed_as_imputed(round_):
    submission = validated_submission(round=round_, answers=answers_with(missing=("3b", "6e")))
    record = score_validated_submission(submission=submission, by=None).record
    assert record.imputed_items == ["3b", "6e"]
    assert record.sum_of_codes == 28
    assert record.domain_scores.get(number=3).imputed_items == ["3b"]
    assert record.domain_scores.get(number=3).category == 3


@pytest.mark.parametrize("state", [Submission.State.DRAFT, Submission.State.SUBMITTED])
def test_a_submission_that_is_not_validated_is_not_scored(round_, state):
    submission = validated_submission(round=round_, state=state)
    with pytest.raises(NotScorableError):
        score_validated_submission(submission=submission, by=None)
    assert not ScoreRecord.objects.exists()


def test_scoring_the_same_answers_again_writes_nothing_new(round_):
    submission = validated_submission(round=round_)
    first = score_validated_submission(submission=submission, by=None)
    again = score_validated_submission(submission=submission, by=AnalystFactory())
    assert not again.created and again.record == first.record
    assert ScoreRecord.objects.count() == 1 and DomainScore.objects.count() == 6


def test_changed_answers_get_a_new_record_and_the_newest_is_current(round_):
    submission = validated_submission(round=round_)
    first = submission.score_records.get()
    second = revalidate_with(submission, {"1a": "no"})
    assert second != first and second.category == 3
    assert list(ScoreRecord.objects.filter(country=submission.country)) == [second, first]


def test_a_methodology_change_makes_a_recomputation_write_a_new_record(round_, monkeypatch):
    analyst = AnalystFactory()
    submission = validated_submission(round=round_)
    old = score_validated_submission(submission=submission, by=None).record
    monkeypatch.setattr(engine, "METHODOLOGY_VERSION", "10.7.2/test/2")
    monkeypatch.setattr(
        engine,
        "compute_score",
        lambda answers, methodology=engine.OFFICIAL, _compute=engine.compute_score: _with_version(
            _compute(answers, methodology), "10.7.2/test/2"
        ),
    )

    outcomes = recompute_scores(round=round_, by=analyst, reason="Threshold fix")

    new = outcomes[0].record
    assert outcomes[0].created and new != old
    assert new.methodology_version == "10.7.2/test/2" and new.trigger == "recompute"
    assert new.reason == "Threshold fix" and new.triggered_by == analyst
    assert ScoreRecord.objects.filter(pk=old.pk).exists()  # the old record stays
    assert recompute_scores(round=round_, by=analyst, reason="Again")[0].created is False


def _with_version(result, version):
    import dataclasses

    return dataclasses.replace(result, methodology_version=version)


def test_a_recomputation_needs_a_reason(round_):
    with pytest.raises(ValueError):
        recompute_scores(round=round_, by=None, reason=" ")


def test_the_recompute_command_reports_what_it_wrote(round_, capsys):
    from django.core.management import call_command

    score_validated_submission(submission=validated_submission(round=round_), by=None)
    call_command("recompute_scores", "--round", round_.code, "--reason", "Check after upgrade")
    assert (
        "1 validated submission(s), 0 new score record(s), 1 unchanged" in capsys.readouterr().out
    )
    assert ScoreRecord.objects.count() == 1
