"""`make bench` measures of the JSON API.

The aggregates answer of a published round whose release holds all 197 countries (every region,
overall and the six domains, four categories each), fetched anonymously through the test client:
- as a ratio to a bare Django view through the same client (target 4x);
- as a ratio to its selector, ``round_aggregates(round=, frozen=True)``, called directly (target
  2x): what the API adds (the round, its release, serialising, the ETag) costs at most as much
  again.
Its query count is recorded for the 197-country round and for a round of three countries: they
must be equal.

This module is also the URLconf of the run: the project's URLs and the bare view.
"""

from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse

from fixtures.rounds import move_round
from geography.models import Country
from kernel.benchmarking import Result, compare, query_count
from questionnaire.models import Round
from scoring.bench import _answer_sets, _score_round
from scoring.selectors import round_aggregates

TEMPLATE_ROUND = "inquiry-13-2021"
BARE = "bare Django view (same client, anonymous)"


def bare_view(request):
    return HttpResponse("ok")


urlpatterns = [
    path("bench/api-bare/", bare_view),
    path("", include("policyindex.urls")),
]


@transaction.atomic
def _published_round(code: str, year: int, countries: list[Country]) -> Round:
    """A round whose validated submissions (with score records) are published in its release."""
    template = Round.objects.get(code=TEMPLATE_ROUND)
    round_ = Round.objects.create(
        code=code,
        name=f"API benchmark round ({len(countries)} countries)",
        reference_year=year,
        version=template.version,
        opens_on=template.opens_on,
        closes_on=template.closes_on,
    )
    move_round(round_, Round.State.CLOSED, reason="benchmark")
    _score_round(round_, countries, _answer_sets(len(countries), seed=year))
    return move_round(round_, Round.State.PUBLISHED, reason="benchmark")


def aggregates_answer() -> list[Result]:
    countries = list(Country.objects.order_by("pk"))
    assert len(countries) == 197
    large = _published_round("bench-api-197", 2097, countries)
    small = _published_round("bench-api-3", 2098, countries[:3])
    client = Client()

    def answer(round_):
        url = reverse("results:api-round-aggregates", kwargs={"round_code": round_.code})

        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    def bare():
        response = client.get("/bench/api-bare/")
        assert response.status_code == 200, response.status_code

    with override_settings(ROOT_URLCONF=__name__):
        world = client.get(
            reverse("results:api-round-aggregates", kwargs={"round_code": large.code})
        ).json()["aggregates"][0]
        assert world["respondents"] == 197, world["respondents"]
        answer(small)()  # both answers built once: the counts are those of every later request
        counts = {
            "197 countries": query_count(answer(large)),
            "3 countries": query_count(answer(small)),
        }
        return [
            compare(
                "results.api_round_aggregates_197_countries",
                answer(large),
                bare,
                target=4.0,
                baseline_name=BARE,
                query_counts=counts,
                note="every region, overall and six domains, four categories each, as JSON",
            ),
            compare(
                "results.api_round_aggregates_vs_selector",
                answer(large),
                lambda: round_aggregates(round=large, frozen=True),
                target=2.0,
                baseline_name="round_aggregates(round=, frozen=True) called directly",
                query_counts=counts,
            ),
        ]


MEASURES = [aggregates_answer]
