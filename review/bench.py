"""`make bench` measures of the review app.

The analysts' dashboard of a round with the 197 countries in scope and submissions in every state
(not started, in progress, submitted, returned with queries answered by the country, validated with
a score record, excluded from publication), timed through the test client and a logged-in analyst
of all countries against a bare authenticated view in the same run. Its query count is recorded
with 3 submissions and with every country's, and must not differ.

This module is also the URLconf of the run: the project's URLs and the bare view.
"""

import itertools

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse
from django.utils import timezone

from accounts.models import User
from geography.models import Country
from kernel.benchmarking import Result, compare, query_count
from questionnaire.models import Round, Submission, SubmissionVersion, content_fingerprint
from review.models import PublicationExclusion, Query, QueryMessage
from review.services.rounds import round_open
from scoring import engine
from scoring.models import ScoreRecord
from scoring.services.scores import unsaved_record

BARE = "bare authenticated Django view (same client, same user)"
ROUND_CODE = "bench-review"
TEMPLATE_ROUND = "demo-2025"
FEW = ("KEN", "MEX", "SEN")
# The states given in turn to the countries' submissions; None leaves the country not started.
STATES = (
    None,
    Submission.State.DRAFT,
    Submission.State.SUBMITTED,
    Submission.State.RETURNED,
    Submission.State.VALIDATED,
    Submission.State.VALIDATED,
    Submission.State.SUBMITTED,
)


@login_required
def bare_view(request):
    return HttpResponse("ok")


urlpatterns = [
    path("bench/bare/", bare_view),
    path("", include("policyindex.urls")),
]


def _round() -> Round:
    template = Round.objects.get(code=TEMPLATE_ROUND)
    round_ = Round.objects.create(
        code=ROUND_CODE,
        name="Review benchmark round",
        reference_year=2099,
        version=template.version,
        opens_on=template.opens_on,
        closes_on=template.closes_on,
    )
    return round_open(round=round_, by=None, reason="benchmark")


def _answers(seed: int) -> dict[str, str]:
    """Every item answered, a different mix of options for each seed."""
    answers = {}
    for domain in engine.DOMAINS:
        options = list(domain.option_values)
        for n, code in enumerate(domain.item_codes):
            answers[code] = options[(seed + n) % len(options)]
    return answers


@transaction.atomic
def _fill(round_: Round, countries: list[Country], *, analyst: User, focal_point: User) -> None:
    """Submissions of ``countries`` in turn through ``STATES``, written in bulk (the services
    write one at a time), with what each state leaves behind."""
    chosen = [
        (country, state)
        for country, state in zip(countries, itertools.cycle(STATES), strict=False)
        if state is not None
    ]
    now = timezone.now()
    submissions = Submission.objects.bulk_create(
        Submission(
            round=round_,
            country=country,
            state=state,
            revision=2,
            submitted_at=None if state == Submission.State.DRAFT else now,
        )
        for country, state in chosen
    )
    frozen = [s for s in submissions if s.state != Submission.State.DRAFT]
    answers = {s.pk: _answers(s.country_id) for s in frozen}
    versions = SubmissionVersion.objects.bulk_create(
        SubmissionVersion(
            submission=s,
            number=1,
            questionnaire_version_id=round_.version_id,
            revision=2,
            content={"answers": answers[s.pk], "general_comment": ""},
            content_hash=content_fingerprint({"answers": answers[s.pk], "general_comment": ""}),
            submitted_by=focal_point,
        )
        for s in frozen
    )
    versions_by_submission = {v.submission_id: v for v in versions}
    queried = [s for s in frozen if s.state != Submission.State.VALIDATED]
    queries = Query.objects.bulk_create(
        Query(submission=s, version=versions_by_submission[s.pk], raised_by=analyst)
        for s in queried
    )
    QueryMessage.objects.bulk_create(
        message
        for query in queries
        for message in (
            QueryMessage(
                query=query, kind=QueryMessage.Kind.RAISED, text="Which law?", author=analyst
            ),
            QueryMessage(
                query=query, kind=QueryMessage.Kind.REPLY, text="The Act.", author=focal_point
            ),
        )
    )
    ScoreRecord.objects.bulk_create(
        unsaved_record(
            result=engine.compute_score(answers[s.pk]),
            submission=s,
            by=analyst,
            trigger=ScoreRecord.Trigger.VALIDATION,
            reason="benchmark",
        )
        for s in frozen
        if s.state == Submission.State.VALIDATED
    )
    drafts = [s for s in submissions if s.state == Submission.State.DRAFT]
    PublicationExclusion.objects.bulk_create(
        PublicationExclusion(round=round_, country_id=s.country_id, reason="benchmark")
        for s in drafts[::3]
    )


def dashboard_measures() -> list[Result]:
    countries = list(Country.objects.order_by("pk"))
    assert len(countries) == 197
    round_ = _round()
    analyst = User.objects.create(username="bench-analyst", role=User.Role.ANALYST)
    focal_point = User.objects.create(username="bench-review-focal-point")
    client = Client()
    client.force_login(analyst)
    url = reverse("review:dashboard", kwargs={"round_code": round_.code})

    def dashboard():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        assert response.content.count(b"<tr data-country=") == 197

    def bare():
        response = client.get("/bench/bare/")
        assert response.status_code == 200, response.status_code

    with override_settings(ROOT_URLCONF=__name__):
        few = [c for c in countries if c.iso3 in FEW]
        _fill(round_, few, analyst=analyst, focal_point=focal_point)
        dashboard()
        few_count = Submission.objects.filter(round=round_).count()
        few_queries = query_count(dashboard)
        _fill(
            round_,
            [c for c in countries if c.iso3 not in FEW],
            analyst=analyst,
            focal_point=focal_point,
        )
        dashboard()
        all_count = Submission.objects.filter(round=round_).count()
        all_queries = query_count(dashboard)
        return [
            compare(
                "review.dashboard_197_countries",
                dashboard,
                bare,
                target=4.0,
                baseline_name=BARE,
                repeat=5,
                number=2,
                query_counts={
                    f"{few_count} submissions": few_queries,
                    f"{all_count} submissions": all_queries,
                },
                note="every country of the round in scope, submissions in every state",
            )
        ]


MEASURES = [dashboard_measures]
