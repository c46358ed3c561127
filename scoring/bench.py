"""`make bench` measures of the scoring app.

1. Every aggregate of a round with 197 responding countries (World, SDG regions, M49 regions,
   sub-regions and intermediate regions; overall and the six domains), timed against the pure
   engine scoring the same 197 answer sets in memory in the same run.
2. The analysts' results pages, through the test client and a logged-in analyst of every country:
   the round's page against the selectors that feed it (round_aggregates, aggregate_rows,
   country_rows; target 2x), one country's page against explain_country_round (target 2x), then,
   with 1,803 made-up countries added in the regions of real ones, the same country's page in a
   round where all 2,000 have a result against its page in a round of 197 (target 1.2x, the same
   queries; for a computed and for a carried-forward result) and the round's page at 2,000
   countries against its selectors. Everything the pages' measures write is rolled back.
"""

import random
import string

from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from geography.models import Country
from kernel.benchmarking import Result, compare, query_count
from policyindex.access import countries_visible_to
from questionnaire.models import Round, Submission
from scoring import engine
from scoring.models import DomainScore, ScoreRecord
from scoring.models.choices import OVERALL
from scoring.selectors import aggregate_rows, country_rows, explain_country_round, round_aggregates
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


# --- The analysts' results pages -----------------------------------------------------------------

PAGES_ROUND = "bench-results-pages"
PAGES_ROUND_2000 = "bench-results-pages-2000"
MANY = 2000
COUNTRY = "KEN"


def _pages_round(code: str, reference_year: int) -> Round:
    """A closed round (its aggregates read the score records, not a release) on the 2021
    questionnaire, carrying the 2019 round forward."""
    template = Round.objects.get(code=ROUND)
    round_ = Round.objects.create(
        code=code,
        name=f"Results pages benchmark ({code})",
        reference_year=reference_year,
        version=template.version,
        opens_on=template.opens_on,
        closes_on=template.closes_on,
        state=Round.State.CLOSED,
    )
    round_.carries_forward.set([Round.objects.get(code=CARRIED)])
    return round_


def _extra_countries(count: int) -> list[Country]:
    """``count`` made-up countries, each in the regions of a real one (so every aggregate grows)."""
    real = list(Country.objects.order_by("pk"))
    taken_iso3 = {c.iso3 for c in real}
    taken_m49 = {c.m49 for c in real}
    letters = string.ascii_uppercase
    iso3 = (a + b + c for a in letters for b in letters for c in letters)
    m49 = (a + f"{n:02d}" for a in letters for n in range(100))
    made = []
    for n in range(count):
        model = real[n % len(real)]
        made.append(
            Country(
                m49=next(code for code in m49 if code not in taken_m49),
                iso3=next(code for code in iso3 if code not in taken_iso3),
                iso2="XX",
                name=f"Benchmark country {n + 1:04d}",
                un_status=Country.UNStatus.NON_MEMBER,
                m49_region_id=model.m49_region_id,
                m49_subregion_id=model.m49_subregion_id,
                intermediate_region_id=model.intermediate_region_id,
                sdg_region_id=model.sdg_region_id,
            )
        )
    return Country.objects.bulk_create(made)


def _get(client: Client, url: str, marker: bytes):
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert marker in response.content, url

    return get


def _round_page_selectors(round_: Round, analyst: User):
    """What feeds the round's results page: its aggregates, their rows and the country rows."""

    def selectors():
        aggregates = round_aggregates(round=round_)
        aggregate_rows(aggregates=aggregates, breakdown=OVERALL)
        country_rows(
            aggregates=aggregates, countries=countries_visible_to(analyst).order_by("name")
        )

    return selectors


def results_pages() -> list[Result]:
    """Everything is rolled back at the end: the made-up countries and rounds must not reach the
    other apps' measures (which count the 197 countries)."""
    with transaction.atomic():
        results = _results_pages()
        transaction.set_rollback(True)
    return results


def _results_pages() -> list[Result]:
    countries = list(Country.objects.order_by("pk"))
    assert len(countries) == 197
    round_ = _pages_round(PAGES_ROUND, 2097)
    # One country has no result of its own: its 2019 result is carried forward.
    carried_country, *answering = countries
    carried = Round.objects.get(code=CARRIED)
    if not ScoreRecord.objects.filter(round=carried, country=carried_country).exists():
        _score_round(carried, [carried_country], _answer_sets(1, seed=2019))
    _score_round(round_, answering, _answer_sets(len(answering), seed=1072))

    analyst = User.objects.create(username="bench-results-analyst", role=User.Role.ANALYST)
    client = Client()
    client.force_login(analyst)
    round_url = reverse("scoring:round", kwargs={"round_code": round_.code})
    country = Country.objects.get(iso3=COUNTRY)
    round_page = _get(client, round_url, b'id="countries"')
    country_page = _get(
        client,
        reverse("scoring:country", kwargs={"round_code": round_.code, "iso3": COUNTRY}),
        b'id="overall-sum"',
    )
    carried_page = _get(
        client,
        reverse(
            "scoring:country", kwargs={"round_code": round_.code, "iso3": carried_country.iso3}
        ),
        b"carried forward",
    )
    round_page()
    country_page()
    carried_page()
    queries_197 = query_count(country_page)
    carried_queries_197 = query_count(carried_page)
    round_queries_197 = query_count(round_page)

    results = [
        compare(
            "scoring.round_results_page_197_countries",
            round_page,
            _round_page_selectors(round_, analyst),
            target=2.0,
            baseline_name="its selectors (round_aggregates, aggregate_rows, country_rows)",
            repeat=5,
            number=2,
            note="the analysts' page of a round with 196 results and one carried forward, "
            "through the test client and a logged-in analyst of every country",
        ),
        compare(
            "scoring.country_result_page",
            country_page,
            lambda: explain_country_round(round=round_, country=country),
            target=2.0,
            baseline_name="its selector (explain_country_round)",
            note="one country's computed result explained: 30 answers, six domains, the record",
        ),
    ]

    # 2,000 countries, all with a result in a second round: the same country's page in both.
    extra = _extra_countries(MANY - len(countries))
    many = _pages_round(PAGES_ROUND_2000, 2096)
    everyone = [*answering, *extra]
    _score_round(many, everyone, _answer_sets(len(everyone), seed=2000))
    many_country_page = _get(
        client,
        reverse("scoring:country", kwargs={"round_code": many.code, "iso3": COUNTRY}),
        b'id="overall-sum"',
    )
    many_carried_page = _get(
        client,
        reverse("scoring:country", kwargs={"round_code": many.code, "iso3": carried_country.iso3}),
        b"carried forward",
    )
    many_round_page = _get(
        client, reverse("scoring:round", kwargs={"round_code": many.code}), b'id="countries"'
    )
    many_country_page()
    many_carried_page()
    many_round_page()
    results += [
        compare(
            "scoring.country_result_page_2000_vs_197_countries",
            many_country_page,
            country_page,
            target=1.2,
            baseline_name="the same country's page in a round of 197 countries",
            query_counts={
                "197 countries": queries_197,
                "2,000 countries": query_count(many_country_page),
            },
            note="1,803 made-up countries added in the regions of real ones, 2,000 results in "
            "the round (the 197-country round is timed beside it, with the same countries table)",
        ),
        compare(
            "scoring.country_result_page_carried_2000_vs_197_countries",
            many_carried_page,
            carried_page,
            target=1.2,
            baseline_name="the same country's page in a round of 197 countries",
            query_counts={
                "197 countries": carried_queries_197,
                "2,000 countries": query_count(many_carried_page),
            },
            note="a country without a result of its own: its 2019 result is carried forward",
        ),
        compare(
            "scoring.round_results_page_2000_countries",
            many_round_page,
            _round_page_selectors(many, analyst),
            target=2.0,
            baseline_name="its selectors (round_aggregates, aggregate_rows, country_rows)",
            repeat=3,
            number=2,
            query_counts={
                "197 countries": round_queries_197,
                "2,000 countries": query_count(many_round_page),
            },
            note="2,000 countries (1,803 made up, in the regions of real ones), all with a result",
        ),
    ]
    return results


MEASURES = [aggregates_of_a_round, results_pages]
