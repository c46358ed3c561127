"""`make bench` measures of the review app.

1. The review page of a submitted version (its third version, with the changes since the second,
   the previous round's validated answers, the consistency checks, the score it would get, queries
   with their messages and the actions), timed against a bare authenticated Django view through
   the same test client and logged-in analyst, in the same run. Its queries are counted with one
   version and one query, and with three versions and six queries with their messages: they must
   be equal.
2. The analysts' dashboard of a round with the 197 countries in scope and submissions in every
   state (not started, in progress, submitted, returned with queries answered by the country,
   validated with a score record, excluded from publication), through the test client and a
   logged-in analyst of all countries, against the same bare view. Its query count is recorded
   with 2 submissions and with every country's, and must not differ. Its floor, measured beside
   it: the same HTML from a view doing only the scope, the round's fingerprint and one cache read.

The review page's floor is measured too: the least it could do (one SQL query finding the submission in
the analyst's scope with what its cached copy would be keyed by, one cache read, the same HTML, no
template), so that the page's ratio can be read against what no implementation goes below.

This module is also the URLconf of the run: the project's URLs and the bare view.
"""

import hashlib
import itertools

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse
from django.utils import timezone

from accounts.models import User
from geography.models import Country
from kernel.benchmarking import Result, compare, query_count
from policyindex import access
from questionnaire.instrument_cache import version_items
from questionnaire.models import (
    Answer,
    Round,
    Submission,
    SubmissionVersion,
    content_fingerprint,
)
from questionnaire.services.submissions import start_submission
from review import selectors
from review.models import PublicationExclusion, Query, QueryMessage
from review.services.queries import query_raise, query_reply
from review.services.rounds import round_open
from review.services.submissions import submission_return, submission_submit
from review.views.dashboard import board_key
from scoring import engine
from scoring.models import ScoreRecord
from scoring.services.scores import unsaved_record

OPEN_ROUND = "demo-2025"
PREVIOUS_ROUND = "inquiry-13-2021"
COUNTRY, OTHER = "SEN", "GHA"
BARE = "bare authenticated Django view (same client, same user)"


# The dashboard measure.
ROUND_CODE = "bench-dashboard"
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


@login_required
def dashboard_floor(request, round_code):
    """The least the cached dashboard can do: the user's scope, the round with its fingerprint
    (one query), one cache read of the board the dashboard cached, the same HTML, no template."""
    scope = access.scope_of(request.user)
    round_ = selectors.dashboard_round(round_code, visible=scope.countries)
    return HttpResponse(FLOOR_PAGE["html"] + cache.get(board_key(request, round_, scope)))


# The dashboard's page around its board (the part cached), set by the measure.
FLOOR_PAGE = {"html": ""}

# The floor of the review page: one query finding the submission in the analyst's scope with its
# state, revision and the previous round's marker, one cache read of the page as HTML, and that
# HTML sent back (no template at all).
_MINIMAL_PAGE_SQL = """
SELECT s.id, s.revision, s.state, s.updated_at,
       (SELECT p.id FROM questionnaire_submission p
          JOIN questionnaire_round pr ON pr.id = p.round_id
         WHERE p.country_id = s.country_id AND p.state = 'validated'
           AND pr.reference_year < r.reference_year
         ORDER BY pr.reference_year DESC LIMIT 1)
  FROM questionnaire_submission s
  JOIN questionnaire_round r ON r.id = s.round_id
  JOIN geography_country c ON c.id = s.country_id
 WHERE r.code = %s AND c.iso3 = %s
   AND (NOT EXISTS (SELECT 1 FROM accounts_user_regions ur WHERE ur.user_id = %s)
        OR EXISTS (SELECT 1 FROM accounts_user_regions ur
                     JOIN geography_region g ON g.id = ur.region_id
                    WHERE ur.user_id = %s
                      AND (g.kind = 'world' OR ur.region_id IN (c.sdg_region_id, c.m49_region_id,
                                                               c.m49_subregion_id,
                                                               c.intermediate_region_id))))
"""

MINIMAL_PAGE = {"html": b""}


@login_required
def minimal_review_page(request, round_code, iso3):
    user = request.user.pk
    with connection.cursor() as cursor:
        cursor.execute(_MINIMAL_PAGE_SQL, [round_code, iso3, user, user])
        row = cursor.fetchone()
    key = "bench:minimal-review-page:" + hashlib.sha256(repr(row).encode()).hexdigest()
    page = cache.get(key)
    if page is None:
        page = MINIMAL_PAGE["html"]
        cache.set(key, page)
    return HttpResponse(page)


urlpatterns = [
    path("bench/review-bare/", bare_view),
    path("bench/review-dashboard-floor/<slug:round_code>/", dashboard_floor),
    path("bench/review-minimal-page/<slug:round_code>/<str:iso3>/", minimal_review_page),
    path("", include("policyindex.urls")),
]


def _answer(submission: Submission, *, variant: int) -> None:
    """Every item answered (some "No"), with evidence, some of it late or missing."""
    items = version_items(submission.round.version)
    for n, item in enumerate(items):
        codes = [o.code for o in item.options]
        evidence = n % 7 != 0  # a "Yes" without evidence here and there
        Answer.objects.filter(submission=submission, item_id=item.pk).update(
            option_code=codes[(n + variant) % 3 % len(codes)],
            policy_name=f"Migration Act, section {item.code}" if evidence else "",
            policy_year=(2010 + n) if evidence else None,
            link=f"https://legislation.example.org/{item.code}" if evidence else "",
            citation="Official Gazette No. 100" if evidence else "",
            comment=f"Version {variant}." if evidence else "",
        )
    Submission.objects.filter(pk=submission.pk).update(revision=submission.revision + 1)
    submission.refresh_from_db()


def _submit(submission: Submission, by) -> None:
    submission.refresh_from_db()
    submission_submit(submission=submission, by=by, confirmed_revision=submission.revision)


def _previous_round(country: Country) -> None:
    """The country's validated answers of the previous round (the scoring measures may have left
    a validated submission there without answers)."""
    round_ = Round.objects.get(code=PREVIOUS_ROUND)
    submission = Submission.objects.filter(round=round_, country=country).first()
    if submission is None:
        submission = start_submission(round=round_, country=country)
        Submission.objects.filter(pk=submission.pk).update(state=Submission.State.VALIDATED)
    items = version_items(round_.version)
    existing = set(submission.answers.values_list("item_id", flat=True))
    Answer.objects.bulk_create(
        Answer(submission=submission, item_id=item.pk) for item in items if item.pk not in existing
    )
    for n, item in enumerate(items):
        Answer.objects.filter(submission=submission, item_id=item.pk).update(
            option_code=item.options[n % 2].code, policy_name="Old act", policy_year=2001
        )


@transaction.atomic
def _reviewed(iso3: str, *, versions: int, queries: int, analyst, focal_point) -> Submission:
    country = Country.objects.get(iso3=iso3)
    focal_point.countries.add(country)
    _previous_round(country)
    round_ = Round.objects.get(code=OPEN_ROUND)
    submission = Submission.objects.filter(round=round_, country=country).first()
    if submission is None:
        submission = start_submission(round=round_, country=country)
    for number in range(1, versions + 1):
        _answer(submission, variant=number)
        _submit(submission, focal_point)
        if number < versions:
            submission_return(submission=submission, by=analyst, reason="Please check 1a.")
    submission.refresh_from_db()
    for n in range(queries):
        query = query_raise(submission=submission, by=analyst, text=f"Question {n}?")
        query_reply(query=query, by=focal_point, text=f"Answer {n}.")
    return submission


def review_measures() -> list[Result]:
    analyst = User.objects.create(
        username="bench-review-analyst", first_name="Review", role=User.Role.ANALYST
    )
    focal_point = User.objects.create(
        username="bench-review-focal-point", role=User.Role.FOCAL_POINT
    )
    small = _reviewed(OTHER, versions=1, queries=1, analyst=analyst, focal_point=focal_point)
    large = _reviewed(COUNTRY, versions=3, queries=6, analyst=analyst, focal_point=focal_point)
    client = Client()
    client.force_login(analyst)

    def page(submission):
        url = f"/review/rounds/{OPEN_ROUND}/countries/{submission.country.iso3}/"

        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            assert b'id="score"' in response.content

        return get

    def bare():
        response = client.get("/bench/review-bare/")
        assert response.status_code == 200, response.status_code

    with override_settings(ROOT_URLCONF=__name__):
        page(large)()
        page(small)()
        counts = {
            "1 version, 1 query": query_count(page(small)),
            "3 versions, 6 queries with replies": query_count(page(large)),
        }
        MINIMAL_PAGE["html"] = client.get(
            f"/review/rounds/{OPEN_ROUND}/countries/{large.country.iso3}/"
        ).content

        def floor():
            url = f"/bench/review-minimal-page/{OPEN_ROUND}/{large.country.iso3}/"
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            assert b'id="score"' in response.content

        return [
            compare(
                "review.review_page_floor",
                floor,
                bare,
                target=4.0,
                baseline_name=BARE,
                note="the least the review page can do (one SQL query, one cache read, the same "
                "HTML, no template): the floor of review.review_page_submitted_version",
            ),
            compare(
                "review.review_page_submitted_version",
                page(large),
                bare,
                target=4.0,
                baseline_name=BARE,
                query_counts=counts,
                note="the latest of three versions: changes since the previous one, the previous "
                "round, the checks, the score, six queries with replies, the actions",
            ),
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


def _content(codes: dict[str, str]) -> dict:
    """A version's frozen content: each item's answer with its evidence."""
    return {
        "answers": {
            code: {
                "option_code": option,
                "policy_name": f"Migration Act, section {code}",
                "policy_year": 2015,
                "link": f"https://legislation.example.org/{code}",
                "citation": "Official Gazette No. 100",
                "comment": "",
            }
            for code, option in codes.items()
        },
        "general_comment": "",
    }


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
            content=_content(answers[s.pk]),
            content_hash=content_fingerprint(_content(answers[s.pk])),
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
    analyst = User.objects.create(username="bench-dashboard-analyst", role=User.Role.ANALYST)
    focal_point = User.objects.create(username="bench-dashboard-focal-point")
    client = Client()
    client.force_login(analyst)
    url = reverse("review:dashboard", kwargs={"round_code": round_.code})

    def dashboard():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        assert response.content.count(b"<tr data-country=") == 197

    def bare():
        response = client.get("/bench/review-bare/")
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
        page = client.get(url).content.decode()
        FLOOR_PAGE["html"] = page[: page.index('<h2 class="visually-hidden">')]

        def floor():
            response = client.get(f"/bench/review-dashboard-floor/{round_.code}/")
            assert response.content.count(b"<tr data-country=") == 197, response.status_code

        return [
            compare(
                "review.dashboard_197_countries_floor",
                floor,
                bare,
                target=4.0,
                baseline_name=BARE,
                repeat=5,
                number=2,
                note="the least the cached dashboard can do (its scope, the round with its "
                "fingerprint in one query, one cache read, the same HTML, no template): the "
                "floor of review.dashboard_197_countries",
            ),
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
            ),
        ]


MEASURES = [review_measures, dashboard_measures]
