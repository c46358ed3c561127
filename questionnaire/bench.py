"""`make bench` measures of the questionnaire app.

With the 197 countries and two rounds of data loaded (a validated submission of every country in
the 2021 round and a fully answered draft of every country in the open round), the server time of

1. the questionnaire page served from its cache (same revision, second GET), against a bare
   authenticated view;
2. the page right after a save (a new revision: nothing of it cached; the save is outside the
   timer), against the same bare view;
3. a draft save of all 30 answers with evidence, every field changed, against a minimal
   implementation of the same work (``loadtest/minimal_save.py``: a plain view, plain validation
   and the same SQL through a cursor);
4. the page after a save and the save itself on a submission with 100,000 history rows, against
   the same on submissions with 200 history rows;

each timed through the same test client and logged-in focal point, ratios taken in the same run.
Every measure records its query counts under different data (3 vs 197 countries with
submissions, 200 vs 100,000 history rows, 1 vs 30 answers changed) and fails if they differ.

The form is read off the page (field names, options, hidden fields), so the measures follow the
templates. Saves go to the page's ``save/`` URL, or to the page itself where that answers 404.

This module is also the URLconf of the run: the project's URLs, the bare view and the minimal save.
"""

import contextlib
import itertools
import logging
import random
from dataclasses import replace
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path
from django.utils import timezone

from accounts.models import User
from geography.models import Country
from kernel.benchmarking import Result, compare, query_count
from loadtest.htmlform import Form, form_with_field
from loadtest.minimal_save import minimal_draft_save
from loadtest.payload import draft_save, one_answer_changed
from questionnaire.models import (
    Answer,
    AnswerChange,
    Item,
    ResponseOption,
    Round,
    Submission,
)

PREVIOUS_ROUND = "demo-2023"
OPEN_ROUND = "demo-2025"
FEW = ("KEN", "TZA", "UGA")
LONG_HISTORY = 100_000
SHORT_HISTORY = 200
POOL = 48  # submissions with a short history: each timed baseline call takes a fresh one
CHANGES_PER_SAVE = 181  # 30 items x 6 fields + the general comment
BARE = "bare authenticated Django view (same client, same user)"
MINIMAL = (
    "minimal save: plain view, plain validation, same SQL via cursor (loadtest/minimal_save.py)"
)


@login_required
def bare_view(request):
    return HttpResponse("ok")


# The least work a cached questionnaire page can be: the same session and user lookup, one query
# finding the submission, its revision and the previous round's marker for a focal point of the
# country, one cache read of the page as HTML, and that HTML sent back (no template at all).
_MINIMAL_PAGE_SQL = """
SELECT s.id, s.revision, s.state,
       (SELECT p.id FROM questionnaire_submission p
          JOIN questionnaire_round pr ON pr.id = p.round_id
         WHERE p.country_id = s.country_id AND p.state = 'validated'
           AND pr.reference_year < r.reference_year
         ORDER BY pr.reference_year DESC LIMIT 1)
  FROM questionnaire_submission s
  JOIN questionnaire_round r ON r.id = s.round_id
  JOIN geography_country c ON c.id = s.country_id
 WHERE r.code = %s AND c.iso3 = %s
   AND EXISTS (SELECT 1 FROM accounts_user_countries uc
                WHERE uc.user_id = %s AND uc.country_id = s.country_id)
"""


@login_required
def minimal_cached_page(request, round_code, iso3):
    with connection.cursor() as cursor:
        cursor.execute(_MINIMAL_PAGE_SQL, [round_code, iso3, request.user.pk])
        row = cursor.fetchone()
    page = cache.get(f"bench:minimal-page:{row}")
    if page is None:
        page = MINIMAL_PAGE["html"]
        cache.set(f"bench:minimal-page:{row}", page)
    return HttpResponse(page)


MINIMAL_PAGE = {"html": ""}

urlpatterns = [
    path("bench/bare/", bare_view),
    path("bench/minimal-page/<slug:round_code>/<str:iso3>/", minimal_cached_page),
    path(
        "bench/minimal/rounds/<slug:round_code>/countries/<str:iso3>/questionnaire/save/",
        minimal_draft_save,
    ),
    path("", include("policyindex.urls")),
]


def _options_by_item(version) -> dict:
    options: dict[int, list[str]] = {}
    for option in ResponseOption.objects.filter(response_set__version=version).order_by("order"):
        options.setdefault(option.response_set_id, []).append(option.code)
    return {item: options[item.response_set_id] for item in version.items.order_by("order")}


@transaction.atomic
def _load_two_rounds(countries: list[Country]) -> list[int]:
    """Each country: a validated 2021 submission and an open-round draft, all answered."""
    rng = random.Random(1072)
    created = []
    for code, state in ((PREVIOUS_ROUND, Submission.State.VALIDATED), (OPEN_ROUND, "draft")):
        round_ = Round.objects.get(code=code)
        existing = set(round_.submissions.values_list("country_id", flat=True))
        submissions = Submission.objects.bulk_create(
            Submission(round=round_, country=c, state=state, revision=1)
            for c in countries
            if c.pk not in existing
        )
        if code == PREVIOUS_ROUND:
            created = [s.pk for s in submissions]
        options = _options_by_item(round_.version)
        Answer.objects.bulk_create(
            (
                Answer(
                    submission=s,
                    item=item,
                    option_code=rng.choice(codes),
                    policy_name=f"Migration and Asylum Act, section {item.code}",
                    policy_year=2010,
                    link=f"https://legislation.example.org/{item.code}",
                    citation="Official Gazette No. 100",
                    comment="Confirmed by the line ministry.",
                )
                for s in submissions
                for item, codes in options.items()
            ),
            batch_size=2000,
        )
    return created


def _add_history(submission: Submission, rows: int, user: User) -> None:
    """``rows`` history rows in one INSERT ... SELECT, and the revision they lead to."""
    items = list(Item.objects.filter(version=submission.round.version).values_list("pk", flat=True))
    first, count = min(items), len(items)
    assert sorted(items) == list(range(first, first + count)), "item ids are not contiguous"
    table = connection.ops.quote_name(AnswerChange._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    revisions = rows // CHANGES_PER_SAVE + 1
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (submission_id, item_id, revision, field, old_value, new_value, "
            "changed_by_id, changed_at) "
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %s) "
            "SELECT %s, %s + i %% %s, 1 + i / %s, 'comment', 'before ' || i, 'after ' || i, %s, %s "
            "FROM n",
            [rows - 1, submission.pk, first, count, CHANGES_PER_SAVE, user.pk, now],
        )
    Submission.objects.filter(pk=submission.pk).update(revision=revisions)


@contextlib.contextmanager
def _quiet_404():
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


class Questionnaire:
    """One country's questionnaire as its focal point uses it, through the test client."""

    variants = itertools.count(1)  # every save has values never saved before: nothing cached
    # Whether saves go to the page itself (before the rewrite) rather than its save/ URL.
    saves_to_page = False

    def __init__(self, client: Client, iso3: str):
        self.client, self.iso3 = client, iso3
        self.page_url = f"/rounds/{OPEN_ROUND}/countries/{iso3}/questionnaire/"
        self.submission_id = Submission.objects.get(round__code=OPEN_ROUND, country__iso3=iso3).pk

    def get(self) -> str:
        response = self.client.get(self.page_url)
        assert response.status_code == 200, (self.page_url, response.status_code)
        return response.content.decode()

    def form(self) -> Form:
        return form_with_field(self.get(), "revision")

    def body(self, template: Form, *, one_answer: bool = False) -> str:
        """A save of ``template``'s fields for this questionnaire, on its current revision."""
        variant = next(self.variants)
        data = (
            one_answer_changed(template, variant) if one_answer else draft_save(template, variant)
        )
        revision = Submission.objects.values_list("revision", flat=True).get(pk=self.submission_id)
        data.update(
            submission=str(self.submission_id),
            country=self.iso3,
            round=OPEN_ROUND,
            revision=str(revision),
        )
        # Sent as a browser sends this form (it has no file input): URL-encoded.
        return urlencode(data)

    @property
    def save_url(self) -> str:
        return self.page_url if self.saves_to_page else self.page_url + "save/"

    def find_save_url(self, body: str) -> None:
        """Saves once, to the save/ URL or, where that answers 404, to the page itself."""
        with _quiet_404():
            response = self.client.post(
                self.page_url + "save/", body, content_type="application/x-www-form-urlencoded"
            )
        if response.status_code == 404:
            Questionnaire.saves_to_page = True
            self.post(body)
        else:
            assert response.status_code == 302, response.status_code

    def post(self, body: str, url: str | None = None) -> None:
        response = self.client.post(
            url or self.save_url, body, content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 302, (url or self.save_url, response.status_code)

    def minimal_url(self) -> str:
        return f"/bench/minimal/rounds/{OPEN_ROUND}/countries/{self.iso3}/questionnaire/save/"


def questionnaire_measures() -> list[Result]:
    countries = list(Country.objects.order_by("pk"))
    assert len(countries) == 197
    few = [c for c in countries if c.iso3 in FEW]
    previous_ids = _load_two_rounds(few)
    try:
        return _measure(countries, previous_ids)
    finally:
        # The scoring measures create their own 2021 submissions: leave the round as found.
        Answer.objects.filter(submission_id__in=previous_ids).delete()
        Submission.objects.filter(pk__in=previous_ids).delete()


def _counts(kenya: Questionnaire, form: Form) -> dict[str, int]:
    """The queries of each measured request, for comparing them under different data."""
    kenya.get()
    return {
        "page_cached": query_count(kenya.get),
        "page_after_save": query_count(kenya.get, prepare=lambda: kenya.post(kenya.body(form))),
        "save_30": _save_queries(kenya, form, one_answer=False),
        "save_1": _save_queries(kenya, form, one_answer=True),
    }


def _save_queries(questionnaire: Questionnaire, form: Form, *, one_answer: bool) -> int:
    body = questionnaire.body(form, one_answer=one_answer)
    return query_count(lambda: questionnaire.post(body))


def _measure(countries: list[Country], previous_ids: list[int]) -> list[Result]:
    focal_point = User.objects.create(username="bench-focal-point", first_name="Bench")
    focal_point.countries.set([c for c in countries if c.iso3 == "KEN"])
    client = Client()
    client.force_login(focal_point)

    with override_settings(ROOT_URLCONF=__name__):
        kenya = Questionnaire(client, "KEN")
        assert "previous-answer" in kenya.get(), "the previous round's answers are not shown"
        form = kenya.form()
        kenya.find_save_url(kenya.body(form))
        few = _counts(kenya, form)

        previous_ids.extend(_load_two_rounds(countries))
        all_ = _counts(kenya, form)

        def bare():
            response = client.get("/bench/bare/")
            assert response.status_code == 200, response.status_code

        pending = {}

        def save_kenya():
            pending["body"] = kenya.body(form)

        MINIMAL_PAGE["html"] = kenya.get()

        def minimal_page():
            response = client.get(f"/bench/minimal-page/{OPEN_ROUND}/KEN/")
            assert len(response.content) > 10_000, response.status_code

        results = [
            compare(
                "questionnaire.page_get_cached_floor",
                minimal_page,
                bare,
                target=3.0,
                baseline_name=BARE,
                note="the least a cached page can do (one SQL query, one cache read, the same "
                "HTML, no template): the floor of questionnaire.page_get_cached",
            ),
            compare(
                "questionnaire.page_get_cached",
                kenya.get,
                bare,
                target=3.0,
                baseline_name=BARE,
                query_counts={
                    "3 countries": few["page_cached"],
                    "197 countries": all_["page_cached"],
                },
                note="second GET of the same revision: served from the fragment cache",
            ),
            compare(
                "questionnaire.page_get_after_save",
                kenya.get,
                bare,
                target=15.0,
                baseline_name=BARE,
                repeat=5,
                number=2,
                prepare=lambda: kenya.post(kenya.body(form)),
                query_counts={
                    "3 countries": few["page_after_save"],
                    "197 countries": all_["page_after_save"],
                },
                note="GET right after a save (outside the timer): a new revision, nothing cached",
            ),
            compare(
                "questionnaire.draft_save_30_answers",
                lambda: kenya.post(pending["body"]),
                lambda: kenya.post(pending["body"], kenya.minimal_url()),
                target=2.0,
                baseline_name=MINIMAL,
                prepare=save_kenya,
                baseline_prepare=save_kenya,
                query_counts={
                    "30 answers, 3 countries": few["save_30"],
                    "30 answers, 197 countries": all_["save_30"],
                    "1 answer, 197 countries": all_["save_1"],
                },
                note="every field of the 30 items and the general comment changed (181 history rows)",
            ),
        ]
        results.extend(_history_measures(countries))
    return results


def _history_measures(countries: list[Country]) -> list[Result]:
    """The page and the save with 100,000 history rows against the same with 200."""
    others = [c for c in countries if c.iso3 not in FEW]
    long_country, pool_countries = others[0], others[1 : 1 + POOL]
    user = User.objects.create(username="bench-history-focal-point", first_name="History")
    user.countries.set([long_country, *pool_countries])
    client = Client()
    client.force_login(user)
    long = Questionnaire(client, long_country.iso3)
    pool = [Questionnaire(client, c.iso3) for c in pool_countries]
    submissions = Submission.objects.select_related("round__version").in_bulk(
        [long.submission_id, *(q.submission_id for q in pool)]
    )
    _add_history(submissions[long.submission_id], LONG_HISTORY, user)
    for questionnaire in pool:
        _add_history(submissions[questionnaire.submission_id], SHORT_HISTORY, user)
    form = long.form()
    long.post(long.body(form))
    for questionnaire in pool:
        # What is kept per country or per process is warm on both sides; each timed page
        # still follows a save, so its revision is new.
        questionnaire.get()
    fresh = itertools.cycle(pool)  # wraps around only if the pool runs out
    state = {"short": next(fresh)}

    def next_short():
        state["short"] = next(fresh)
        return state["short"]

    def save_next_short():
        short = next_short()
        short.post(short.body(form))

    pending = {}

    def prepare_long_save():
        pending["long"] = long.body(form)

    def prepare_short_save():
        short = next_short()
        pending["short"] = (short, short.body(form))

    timing = {"repeat": 5, "number": 1, "target": 1.2}
    page = compare(
        "questionnaire.page_get_after_save_100k_history",
        long.get,
        lambda: state["short"].get(),
        baseline_name=f"the same page with {SHORT_HISTORY} history rows",
        prepare=lambda: long.post(long.body(form)),
        baseline_prepare=save_next_short,
        note=(
            f"{LONG_HISTORY:,} vs {SHORT_HISTORY} history rows (plus the "
            f"{CHANGES_PER_SAVE} of the save before each GET); ratio of the two times"
        ),
        **timing,
    )
    save = compare(
        "questionnaire.draft_save_100k_history",
        lambda: long.post(pending["long"]),
        lambda: pending["short"][0].post(pending["short"][1]),
        baseline_name=f"the same save with {SHORT_HISTORY} history rows",
        prepare=prepare_long_save,
        baseline_prepare=prepare_short_save,
        note=f"{LONG_HISTORY:,} vs {SHORT_HISTORY} history rows; ratio of the two times",
        **timing,
    )
    return [
        replace(
            result,
            query_counts={
                f"{SHORT_HISTORY} history rows": result.baseline_queries,
                f"{LONG_HISTORY} history rows": result.queries,
            },
        )
        for result in (page, save)
    ]


MEASURES = [questionnaire_measures]
