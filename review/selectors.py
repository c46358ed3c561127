"""Read-only queries of the review pages: the dashboard of a round, the round's page for
administrators and what waits for an analyst or an administrator on the home page.

Every function runs a fixed number of queries, whatever the number of countries or submissions.
"""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, NullIf
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from geography.models import Country, Region
from kernel.translation import TRANSLATED_LANGUAGES, current_language
from policyindex import access
from questionnaire.models import Round, Submission, SubmissionEvent, SubmissionVersion
from review.models import DeadlineExtension, PublicationExclusion, Query, QueryMessage, RoundEvent
from scoring.models import ScoreRecord
from scoring.models.choices import Category

try:  # Written separately; the dashboard shows no flag column until it exists.
    from review.checks import flag_counts
except ImportError:  # pragma: no cover - depends on another change landing
    flag_counts = None

# --- The states a country's row can be in ------------------------------------------------------

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
SUBMITTED = Submission.State.SUBMITTED.value
RETURNED = Submission.State.RETURNED.value
VALIDATED = Submission.State.VALIDATED.value
EXCLUDED = "excluded"

# In the order of the workflow (sorting by state follows it).
STATUS_CHOICES = (
    (NOT_STARTED, gettext_lazy("Not started")),
    (IN_PROGRESS, gettext_lazy("In progress")),
    (SUBMITTED, Submission.State.SUBMITTED.label),
    (RETURNED, Submission.State.RETURNED.label),
    (VALIDATED, Submission.State.VALIDATED.label),
    (EXCLUDED, gettext_lazy("Excluded from publication")),
)
STATUS_LABELS = dict(STATUS_CHOICES)
STATUS_BADGES = {
    NOT_STARTED: "text-bg-light",
    IN_PROGRESS: "text-bg-info",
    SUBMITTED: "text-bg-warning",
    RETURNED: "text-bg-secondary",
    VALIDATED: "text-bg-success",
    EXCLUDED: "text-bg-light",
}
# Submissions whose page is the review page (anything else opens the questionnaire).
REVIEWED_STATES = (SUBMITTED, RETURNED, VALIDATED)


def _status_expression():
    return Case(
        When(excluded=True, then=Value(EXCLUDED)),
        When(submission_state__isnull=True, then=Value(NOT_STARTED)),
        When(submission_state=Submission.State.DRAFT, then=Value(IN_PROGRESS)),
        default=F("submission_state"),
        output_field=CharField(),
    )


def _status_rank():
    return Case(
        *(
            When(status=code, then=Value(rank))
            for rank, (code, _label) in enumerate(STATUS_CHOICES)
        ),
        default=Value(len(STATUS_CHOICES)),
        output_field=IntegerField(),
    )


def sort_name_expression():
    """The country's name in the page's language (falling back to English), to sort by."""
    language = current_language()
    if language in TRANSLATED_LANGUAGES:
        return Coalesce(NullIf(F(f"name_{language}"), Value("")), F("name"))
    return F("name")


def dashboard_countries(*, visible: QuerySet[Country], round: Round) -> QuerySet[Country]:
    """The countries ``visible`` (``access.countries_visible_to`` the user), each annotated with
    its submission for the round (state, last version, last activity, current score) in one query:
    the dashboard filters and sorts it."""
    submission_id = OuterRef("round_submission__id")
    version = SubmissionVersion.objects.filter(submission=submission_id).order_by("-number")
    last_message = QueryMessage.objects.filter(query__submission=submission_id).order_by("-at")
    record = ScoreRecord.objects.filter(round=round, country=OuterRef("pk")).order_by(
        "-created_at", "-pk"
    )
    validated = Q(submission_state=Submission.State.VALIDATED)
    return (
        visible.select_related("sdg_region")
        .alias(
            round_submission=FilteredRelation("submissions", condition=Q(submissions__round=round))
        )
        .annotate(
            submission_id=F("round_submission__id"),
            submission_state=F("round_submission__state"),
            submission_updated_at=F("round_submission__updated_at"),
            version_number=Subquery(version.values("number")[:1]),
            last_message_at=Subquery(last_message.values("at")[:1]),
            excluded=Exists(
                PublicationExclusion.objects.filter(round=round, country=OuterRef("pk"))
            ),
            # The current record counts while the submission is validated (as in scoring).
            score=Case(When(validated, then=Subquery(record.values("score")[:1]))),
            category=Case(When(validated, then=Subquery(record.values("category")[:1]))),
        )
        .annotate(
            status=_status_expression(),
            # SQLite's MAX() of a NULL is NULL: each side falls back on the other.
            last_activity=Greatest(
                Coalesce("submission_updated_at", "last_message_at"),
                Coalesce("last_message_at", "submission_updated_at"),
            ),
            sort_name=sort_name_expression(),
        )
        .annotate(status_rank=_status_rank())
    )


def scope_regions(visible: QuerySet[Country]) -> QuerySet[Region]:
    """The SDG regions of the ``visible`` countries."""
    return Region.objects.filter(
        kind=Region.Kind.SDG, pk__in=visible.values("sdg_region")
    ).order_by("name")


def _open_queries(*, visible, round: Round) -> dict[int, dict[str, int]]:
    """Country id to its open queries and those whose last message is the country's (one query)."""
    last_author_role = QueryMessage.objects.filter(query=OuterRef("pk")).order_by("-at", "-pk")
    rows = (
        Query.objects.filter(
            submission__round=round,
            submission__country__in=visible,
            state=Query.State.OPEN,
        )
        .annotate(last_role=Subquery(last_author_role.values("author__role")[:1]))
        .values_list("submission__country_id", "last_role")
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"open": 0, "to_read": 0})
    for country_id, last_role in rows:
        counts[country_id]["open"] += 1
        if last_role == User.Role.FOCAL_POINT:
            counts[country_id]["to_read"] += 1
    return counts


def _flag_counts(*, visible, round: Round) -> dict[int, int] | None:
    """Submission id to the consistency flags of its version waiting for review (submitted ones
    only: checking every version's content costs most of the page), when review/checks.py
    provides them."""
    if flag_counts is None:
        return None
    submissions = Submission.objects.filter(
        round=round, country__in=visible, state=Submission.State.SUBMITTED
    ).select_related("round", "country")
    return dict(flag_counts(submissions))


@dataclass
class DashboardRow:
    iso3: str
    country_name: str
    region_name: str
    status: str
    submission_id: int | None
    submission_state: str | None
    version_number: int | None
    last_activity: datetime.datetime | None
    score: object
    category: int | None
    open_queries: int
    answers_to_read: int
    flags: int | None
    url: str

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES[self.status]

    @property
    def submission_state_label(self) -> str:
        """Beside "Excluded": where the excluded country's submission stands."""
        if self.submission_state is None:
            return str(STATUS_LABELS[NOT_STARTED])
        if self.submission_state == Submission.State.DRAFT:
            return str(STATUS_LABELS[IN_PROGRESS])
        return str(STATUS_LABELS[self.submission_state])

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label) if self.category else ""


@dataclass
class WaitingCounts:
    to_review: int = 0
    answers_to_read: int = 0
    returned: int = 0

    @property
    def total(self) -> int:
        return self.to_review + self.answers_to_read + self.returned


@dataclass
class Dashboard:
    round: Round
    rows: list[DashboardRow]
    counts: WaitingCounts
    shows_flags: bool
    total_countries: int = 0
    extra: dict = field(default_factory=dict)


ROW_VALUES = ("last_activity", "score", "category")


def row_url(round: Round, iso3: str, submission_state: str | None) -> str:
    """The page to act on a country's submission: the review page once it was submitted, the
    questionnaire otherwise."""
    kwargs = {"round_code": round.code, "iso3": iso3}
    if submission_state in REVIEWED_STATES:
        return reverse("review:submission", kwargs=kwargs)
    return reverse("questionnaire:fill", kwargs=kwargs)


def waiting_counts(*, visible, rounds) -> dict[int, WaitingCounts]:
    """Round id to what waits in it for the user who sees the ``visible`` countries (two queries,
    whatever the number of rounds)."""
    rounds = list(rounds)
    counts = {r.pk: WaitingCounts() for r in rounds}
    for row in (
        Submission.objects.filter(round__in=rounds, country__in=visible)
        .values("round_id")
        .annotate(
            to_review=Count("pk", filter=Q(state=Submission.State.SUBMITTED)),
            returned=Count("pk", filter=Q(state=Submission.State.RETURNED)),
        )
        .order_by()
    ):
        counts[row["round_id"]].to_review = row["to_review"]
        counts[row["round_id"]].returned = row["returned"]
    last_author_role = QueryMessage.objects.filter(query=OuterRef("pk")).order_by("-at", "-pk")
    for row in (
        Query.objects.filter(
            submission__round__in=rounds, submission__country__in=visible, state=Query.State.OPEN
        )
        .annotate(last_role=Subquery(last_author_role.values("author__role")[:1]))
        .filter(last_role=User.Role.FOCAL_POINT)
        .values("submission__round_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["submission__round_id"]].answers_to_read = row["n"]
    return counts


def dashboard(*, visible, round: Round, countries: QuerySet[Country]) -> Dashboard:
    """The rows of ``countries`` (a filtered and sorted ``dashboard_countries``) with their open
    queries and flags, and the counts of what waits in the whole of the ``visible`` countries."""
    queries = _open_queries(visible=visible, round=round)
    flags = _flag_counts(visible=visible, round=round)
    language = current_language()
    suffix = f"_{language}" if language in TRANSLATED_LANGUAGES else ""
    # Plain values rather than model instances: two hundred rows of them cost less than half.
    names = ("name", f"name{suffix}", "sdg_region__name", f"sdg_region__name{suffix}")
    annotations = ("status", "submission_id", "submission_state", "version_number")
    rows = []
    for country in countries.values("pk", "iso3", *names, *annotations, *ROW_VALUES):
        country_queries = queries.get(country["pk"], {"open": 0, "to_read": 0})
        rows.append(
            DashboardRow(
                iso3=country["iso3"],
                country_name=country[f"name{suffix}"] or country["name"],
                region_name=country[f"sdg_region__name{suffix}"] or country["sdg_region__name"],
                status=country["status"],
                submission_id=country["submission_id"],
                submission_state=country["submission_state"],
                version_number=country["version_number"],
                last_activity=country["last_activity"],
                score=country["score"],
                category=country["category"],
                open_queries=country_queries["open"],
                answers_to_read=country_queries["to_read"],
                # Flags are shown for the versions waiting for review.
                flags=None
                if flags is None or country["submission_state"] != Submission.State.SUBMITTED
                else flags.get(country["submission_id"], 0),
                url=row_url(round, country["iso3"], country["submission_state"]),
            )
        )
    counts = waiting_counts(visible=visible, rounds=[round])[round.pk]
    return Dashboard(round=round, rows=rows, counts=counts, shows_flags=flags is not None)


# --- What the dashboard's cached table depends on --------------------------------------------------


def _sum_up(*aggregates: str, of: str) -> str:
    """SQL: a subquery giving the ``aggregates`` of the rows ``of`` as one text ("3:17:…")."""
    parts = " || ':' || ".join(f"COALESCE(CAST({a} AS TEXT), '')" for a in aggregates)
    return f"(SELECT {parts} FROM {of})"


@functools.cache
def _fingerprint_sql() -> str:
    """The SQL of ``dashboard_round`` (written once: the ORM would take longer to write it than
    the database takes to run it); ``{visible}`` stands for the visible countries' subquery."""
    q = connection.ops.quote_name

    def table(model) -> str:
        return q(model._meta.db_table)

    rnd, submission = table(Round), table(Submission)
    in_round = f"s.round_id = {rnd}.id"
    of_submissions = f"{submission} s WHERE {in_round} AND s.id = "
    parts = (
        _sum_up("COUNT(*)", "SUM(v.pk)", of="({visible}) v"),
        _sum_up(
            "COUNT(*)",
            "SUM(s.revision)",
            "MAX(s.updated_at)",
            of=f"{submission} s WHERE {in_round}",
        ),
        # Every change of state writes an event, every submission its version.
        _sum_up(
            "COUNT(*)",
            "MAX(t.id)",
            of=f"{table(SubmissionEvent)} t WHERE EXISTS "
            f"(SELECT 1 FROM {of_submissions}t.submission_id)",
        ),
        # A query is raised, answered, closed and reopened by a message.
        _sum_up(
            "COUNT(*)",
            "MAX(m.id)",
            of=f"{table(QueryMessage)} m JOIN {table(Query)} t ON t.id = m.query_id "
            f"WHERE EXISTS (SELECT 1 FROM {of_submissions}t.submission_id)",
        ),
        *(
            _sum_up("COUNT(*)", "MAX(t.id)", of=f"{table(model)} t WHERE t.round_id = {rnd}.id")
            for model in (PublicationExclusion, ScoreRecord)
        ),
        # The validated answers of earlier rounds, which the flags compare with.
        _sum_up(
            "COUNT(*)",
            "SUM(s.revision)",
            "MAX(s.updated_at)",
            of=f"{submission} s JOIN {rnd} e ON e.id = s.round_id "
            f"WHERE e.reference_year < {rnd}.reference_year "
            f"AND s.state = '{Submission.State.VALIDATED.value}'",
        ),
    )
    fingerprint = " || '|' || ".join(parts)
    return f"SELECT {rnd}.*, {fingerprint} AS data_fingerprint FROM {rnd} WHERE {rnd}.code = %s"


def dashboard_round(code: str, *, visible: QuerySet[Country]) -> Round | None:
    """The round of ``code`` (None if there is none) with ``data_fingerprint``: a text that
    changes whenever anything the dashboard's table, counts and flags show of the ``visible``
    countries changes, in one query with the round.

    Append-only tables (events, messages, exclusions, score records) are counted: a row committed
    late, with an id lower than one already seen, still changes the count. Submissions change only
    through the services (``review/services``), which write an event with each change of state
    (and each version, each submission, frozen on submitting) and raise the revision with each
    save; a query is raised, answered, closed and reopened with a message. The flags also read the
    validated submissions of earlier rounds. The ``visible`` countries are counted, against a
    change of a region's members. Other reference data (names, the instrument) is not followed:
    the cache's lifetime bounds how long a change of it takes to show."""
    try:
        visible_sql, visible_params = visible.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # no country at all (``.none()``)
        visible_sql, visible_params = "SELECT 1 AS pk WHERE 1 = 0", ()
    sql = _fingerprint_sql().replace("{visible}", visible_sql)
    return next(iter(Round.objects.raw(sql, [*visible_params, code])), None)


# --- The round's page for administrators ----------------------------------------------------------


def _date(value: str) -> str:
    try:
        return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
    except (TypeError, ValueError):
        return str(value)


def _change(label: str, change) -> str:
    try:
        before, after = change
    except (TypeError, ValueError):
        return ""
    return _("%(what)s: %(before)s → %(after)s") % {
        "what": label,
        "before": _date(before),
        "after": _date(after),
    }


def event_details(event: RoundEvent) -> str:
    """What changed, in words and dates of the page's language."""
    details = event.details or {}
    parts = []
    if "opens_on" in details:
        parts.append(_change(_("Opens on"), details["opens_on"]))
    if "closes_on" in details:
        parts.append(_change(_("Closes on"), details["closes_on"]))
    if "release" in details:
        parts.append(_("Release %(number)s") % {"number": details["release"]})
    return "; ".join(p for p in parts if p)


@dataclass
class HistoryRow:
    event: RoundEvent
    details: str

    @property
    def state_change(self) -> str:
        if not (self.event.from_state and self.event.to_state):
            return ""
        return _("%(before)s → %(after)s") % {
            "before": self.event.get_from_state_display(),
            "after": self.event.get_to_state_display(),
        }


def round_history(round: Round) -> list[HistoryRow]:
    events = RoundEvent.objects.filter(round=round).select_related("actor", "country")
    return [HistoryRow(event=e, details=event_details(e)) for e in events.order_by("-at", "-pk")]


def round_extensions(round: Round) -> list[DeadlineExtension]:
    return list(
        DeadlineExtension.objects.filter(round=round)
        .select_related("country", "granted_by")
        .order_by("-granted_at", "-pk")
    )


def round_exclusions(round: Round) -> list[PublicationExclusion]:
    return list(
        PublicationExclusion.objects.filter(round=round)
        .select_related("country", "excluded_by")
        .order_by("country__name")
    )


def round_state_counts(round: Round) -> list[tuple[str, int]]:
    """(state label, number of submissions) for each state of a submission (one query)."""
    counts = dict.fromkeys(Submission.State.values, 0)
    for row in (
        Submission.objects.filter(round=round).values("state").annotate(n=Count("pk")).order_by()
    ):
        counts[row["state"]] = row["n"]
    return [(str(Submission.State(state).label), count) for state, count in counts.items()]


# --- The home page of analysts and administrators --------------------------------------------------


@dataclass
class RoundWork:
    round: Round
    counts: WaitingCounts


def review_worklist(user) -> dict:
    """What waits for an analyst or an administrator in each open or closed round."""
    rounds = list(
        Round.objects.filter(state__in=(Round.State.OPEN, Round.State.CLOSED)).order_by(
            "-reference_year"
        )
    )
    visible = access.countries_visible_to(user)
    counts = waiting_counts(visible=visible, rounds=rounds)
    to_review = list(
        Submission.objects.filter(
            round__in=rounds, country__in=visible, state=Submission.State.SUBMITTED
        )
        .select_related("country", "round")
        .order_by("submitted_at", "pk")[:50]
    )
    for submission in to_review:
        submission.review_url = row_url(submission.round, submission.country.iso3, submission.state)
    return {
        "review_rounds": [RoundWork(round=r, counts=counts[r.pk]) for r in rounds],
        "to_review": to_review,
        "country_count": visible.count(),
        "can_manage_rounds": access.can_manage_rounds(user),
    }
