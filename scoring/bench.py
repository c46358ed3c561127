"""`make bench` measures of the scoring app.

Every aggregate of a round with 197 responding countries (World, SDG regions, M49 regions,
sub-regions and intermediate regions; overall and the six domains), timed against the pure engine
scoring the same 197 answer sets in memory in the same run.
"""

import random

from geography.models import Country
from kernel.benchmarking import Result, compare
from questionnaire.models import Round, Submission
from scoring import engine
from scoring.models import DomainScore, ScoreRecord
from scoring.selectors import round_aggregates
from scoring.services.scores import unsaved_domain_scores, unsaved_record

ROUND = "inquiry-13-2021"
CARRIED = "inquiry-12-2019"


def _answer_sets(count: int, seed: int) -> list[dict[str, str | None]]:
    rng = random.Random(seed)
    sets = []
    for _ in range(count):
        answers: dict[str, str | None] = {}
        for domain in engine.DOMAINS:
            options = [*domain.option_values, None]
            for code in domain.item_codes:
                answers[code] = rng.choices(options, weights=[6] + [2] * (len(options) - 2) + [1])[
                    0
                ]
        sets.append(answers)
    return sets


def _score_round(round_: Round, countries: list[Country], answer_sets) -> None:
    """Validated submissions with score records, written in bulk (the service does one at a time)."""
    submissions = Submission.objects.bulk_create(
        Submission(round=round_, country=c, state=Submission.State.VALIDATED) for c in countries
    )
    results = [engine.compute_score(a) for a in answer_sets]
    records = ScoreRecord.objects.bulk_create(
        unsaved_record(
            result=r, submission=s, by=None, trigger=ScoreRecord.Trigger.DEMO, reason="benchmark"
        )
        for s, r in zip(submissions, results, strict=True)
    )
    DomainScore.objects.bulk_create(
        row
        for record, r in zip(records, results, strict=True)
        for row in unsaved_domain_scores(record=record, result=r)
    )


def aggregates_of_a_round() -> list[Result]:
    round_ = Round.objects.get(code=ROUND)
    countries = list(Country.objects.order_by("pk"))
    answer_sets = _answer_sets(len(countries), seed=1072)
    _score_round(round_, countries, answer_sets)
    # Half of the countries also answered the carried-forward round: their newer result wins.
    _score_round(Round.objects.get(code=CARRIED), countries[::2], _answer_sets(99, seed=2019))

    # Computed from the score records, as for a round under review and at its publication (the
    # reference round is published: its public figures would read its release instead).
    aggregates = round_aggregates(round=round_, frozen=False)
    assert aggregates.world.measure("_T").responding == len(countries) == 197

    return [
        compare(
            "scoring.round_aggregates_197_countries",
            lambda: round_aggregates(round=round_, frozen=False),
            lambda: [engine.compute_score(a) for a in answer_sets],
            target=3.0,
            baseline_name="engine scoring the same 197 answer sets in memory",
        )
    ]


MEASURES = [aggregates_of_a_round]
