"""`make bench` measures of the methodology lab.

1. ``lab.rescore_197_countries_with_aggregates``: the 197 countries of a round (their answers read
   once, in memory) rescored under a variant, with the aggregates of the World, every SDG region
   and every UN grouping, against the pure engine computing ``compute_score`` under the same
   variant for the same 197 answer sets. Target 2.
2. ``lab.comparison_page``: GET of a variant's comparison page on that round (analyst, test
   client), against a bare authenticated Django view through the same client and user. Target 4.
   The computed comparison (and its rendered tables) is cached per variant, round, fingerprint of
   the round's data (its release, or its newest score record, validated submissions and imported
   results) and language, so the measure times the page as analysts see it once computed; the
   first, uncached request is reported beside it (``extra``).

This module is also the URLconf of the run: the project's URLs and the bare view.
"""

import dataclasses
import random
import time

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path
from django.utils import timezone

from accounts.models import User
from geography.models import Country
from kernel.benchmarking import Result, compare, query_count
from questionnaire.models import Round, Submission
from review.services.rounds import round_open
from scoring import engine
from scoring.models import ScoreRecord
from scoring.services.scores import unsaved_record

from . import comparison as comparing
from .rules import methodology_of, official_rules
from .services import create_variant

ROUND_CODE = "bench-lab"
TEMPLATE_ROUND = "demo-2025"
BARE = "bare authenticated Django view (same client, same user)"


@login_required
def bare_view(request):
    return HttpResponse("ok")


urlpatterns = [
    path("bench/lab-bare/", bare_view),
    path("", include("policyindex.urls")),
]


def _answers(rng: random.Random) -> dict[str, str | None]:
    answers = {}
    for rule in engine.OFFICIAL.domains:
        options = list(rule.option_values)
        for code in rule.item_codes:
            answers[code] = rng.choice(
                [*options, options[0], None] if rng.random() < 0.1 else options
            )
    return answers


def _round_with_records(analyst: User) -> Round:
    """A round whose 197 countries each have a validated submission and a score record."""
    template = Round.objects.get(code=TEMPLATE_ROUND)
    round_ = Round.objects.create(
        code=ROUND_CODE,
        name="Lab benchmark round",
        reference_year=2098,
        version=template.version,
        opens_on=template.opens_on,
        closes_on=template.closes_on,
    )
    round_ = round_open(round=round_, by=None, reason="benchmark")
    rng = random.Random(1072)
    countries = list(Country.objects.order_by("pk"))
    assert len(countries) == 197
    submissions = Submission.objects.bulk_create(
        Submission(
            round=round_,
            country=country,
            state=Submission.State.VALIDATED,
            revision=2,
            submitted_at=timezone.now(),
        )
        for country in countries
    )
    ScoreRecord.objects.bulk_create(
        unsaved_record(
            result=engine.compute_score(_answers(rng)),
            submission=s,
            by=analyst,
            trigger=ScoreRecord.Trigger.VALIDATION,
            reason="benchmark",
        )
        for s in submissions
    )
    return round_


def _variant(analyst: User):
    rules = official_rules()
    rules["values"]["1"]["yes_legal"] = "0"
    rules["thresholds"] = ["40", "75", "100"]
    rules["weights"]["5"] = "2"
    return create_variant(by=analyst, name="Meets from 75", reason="benchmark", rules=rules)


def lab_measures() -> list[Result]:
    analyst = User.objects.create(
        username="bench-lab-analyst", first_name="Lab", role=User.Role.ANALYST
    )
    round_ = _round_with_records(analyst)
    variant = _variant(analyst)
    methodology = methodology_of(variant)
    data = comparing.load_round_data(round_)
    assert len(data.countries) == 197
    official = [s.overall for s in comparing.rescore(data, engine.OFFICIAL)]
    answer_sets = [country.answers for country in data.countries]

    def rescore_with_aggregates():
        variant_overall = [s.overall for s in comparing.rescore(data, methodology)]
        return comparing.aggregates(data, official, variant_overall, methodology)

    def bare_engine():
        return [engine.compute_score(answers, methodology) for answers in answer_sets]

    rescored = compare(
        "lab.rescore_197_countries_with_aggregates",
        rescore_with_aggregates,
        bare_engine,
        target=2,
        baseline_name="engine.compute_score under the variant for the same 197 answer sets",
        repeat=5,
        number=3,
    )

    client = Client()
    client.force_login(analyst)
    url = f"/lab/variants/{variant.pk}/rounds/{round_.code}/"

    def page():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert b"Variant, not official" in response.content

    def bare():
        response = client.get("/bench/lab-bare/")
        assert response.status_code == 200, response.status_code

    with override_settings(ROOT_URLCONF=__name__):
        cache.clear()
        start = time.perf_counter()
        page()
        first_ms = (time.perf_counter() - start) * 1000
        result = compare(
            "lab.comparison_page",
            page,
            bare,
            target=4,
            baseline_name=BARE,
            note="the comparison and its tables are cached per variant, round, fingerprint of "
            "the round's data and language; the first request computes them (extra)",
        )
        queries = query_count(page)
    return [
        rescored,
        dataclasses.replace(
            result, queries=queries, extra={"first_request_ms": round(first_ms, 1)}
        ),
    ]


MEASURES = [lab_measures]
