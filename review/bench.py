"""`make bench` measures of the review app.

The review page of a submitted version (its third version, with the changes since the second, the
previous round's validated answers, the consistency checks, the score it would get, queries with
their messages and the actions), timed against a bare authenticated Django view through the same
test client and logged-in analyst, in the same run. Its queries are counted with one version and
one query, and with three versions and six queries with their messages: they must be equal.

Its floor is measured too: the least the page could do (one SQL query finding the submission in
the analyst's scope with what its cached copy would be keyed by, one cache read, the same HTML, no
template), so that the page's ratio can be read against what no implementation goes below.

This module is also the URLconf of the run: the project's URLs and the bare view.
"""

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path

from accounts.models import User
from geography.models import Country
from kernel.benchmarking import Result, compare, query_count
from questionnaire.instrument_cache import version_items
from questionnaire.models import Answer, Round, Submission
from questionnaire.services.submissions import start_submission
from review.services.queries import query_raise, query_reply
from review.services.submissions import submission_return, submission_submit

OPEN_ROUND = "demo-2025"
PREVIOUS_ROUND = "inquiry-13-2021"
COUNTRY, OTHER = "SEN", "GHA"
BARE = "bare authenticated Django view (same client, same user)"


@login_required
def bare_view(request):
    return HttpResponse("ok")


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


MEASURES = [review_measures]
