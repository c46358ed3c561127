"""Factories for scoring tests: validated submissions with chosen answers, published results."""

import factory

from questionnaire.models import Submission
from questionnaire.services.submissions import start_submission
from scoring import engine
from scoring.models import DomainScore, PublishedResult, ResultImport, ScoreRecord
from tests.factories import CountryFactory, RoundFactory
from tests.workflow import move_submission_to, refreeze_if_published

DOMAIN_1_ITEMS = [f"1{letter}" for letter in "abcde"]
ITEMS = [f"{n}{letter}" for n in range(1, 7) for letter in "abcde"]


def all_yes() -> dict[str, str]:
    return {code: ("yes_all" if code.startswith("1") else "yes") for code in ITEMS}


def answers_with(*, no: tuple[str, ...] = (), legal: tuple[str, ...] = (), missing=()) -> dict:
    """All yes, except the items answered No, "Yes, only legal status" (domain 1) or left blank."""
    answers: dict[str, str | None] = all_yes()
    for code in no:
        answers[code] = "no"
    for code in legal:
        answers[code] = "yes_legal"
    for code in missing:
        answers[code] = None
    return answers


def answers_for_overall(category: int) -> dict:
    """Answers whose overall category is the one given (1-4)."""
    return {
        4: all_yes(),
        3: answers_with(no=("2a",)),
        2: answers_with(no=ITEMS[:7]),
        1: answers_with(no=ITEMS[:20]),
    }[category]


def validated_submission(
    *, round=None, country=None, answers=None, state=None, validated_by=None, note=""
) -> Submission:
    """A submission of the round (on the round's questionnaire version) with the given answers,
    validated by default, as the review workflow leaves it."""
    round = round or RoundFactory()
    country = country or CountryFactory()
    submission = start_submission(round=round, country=country)
    answers = all_yes() if answers is None else answers
    for answer in submission.answers.select_related("item"):
        answer.option_code = answers.get(answer.item.code) or ""
        answer.save()
    submission = move_submission_to(
        submission, state or Submission.State.VALIDATED, validated_by=validated_by, note=note
    )
    refreeze_if_published(round)
    return submission


class ResultImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResultImport

    file_name = factory.Sequence(lambda n: f"published-{n}.csv")
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    observations = 1
    new_values = 1
    changed_values = 0
    unchanged_values = 0
    skipped_other_series = 0


class PublishedResultFactory(factory.django.DjangoModelFactory):
    """An imported UN value; on a published round, the round's figures get a new release."""

    class Meta:
        model = PublishedResult
        skip_postgeneration_save = True

    @factory.post_generation
    def release(self, create, extracted, **kwargs):
        if create:
            refreeze_if_published(self.round)

    country = factory.SubFactory(CountryFactory)
    round = factory.SubFactory(RoundFactory)
    breakdown = "_T"
    category = 3
    result_import = factory.SubFactory(ResultImportFactory)


class ScoreRecordFactory(factory.django.DjangoModelFactory):
    """A stored score of all-yes answers (category 4), as the engine computes it."""

    class Meta:
        model = ScoreRecord

    country = factory.SubFactory(CountryFactory)
    round = factory.SubFactory(RoundFactory)
    answers = factory.LazyFunction(all_yes)
    answers_hash = factory.LazyAttribute(lambda o: engine.answers_fingerprint(o.answers))
    methodology_version = engine.METHODOLOGY_VERSION
    twice_sum = 60
    item_count = 30
    score = 100
    category = 4
    trigger = ScoreRecord.Trigger.VALIDATION


class DomainScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DomainScore

    record = factory.SubFactory(ScoreRecordFactory)
    number = 1
    sdmx = "PD_1"
    twice_sum = 10
    item_count = 5
    score = 100
    category = 4
