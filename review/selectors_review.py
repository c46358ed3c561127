"""What the review page and the timeline show: read-only queries and their presentation.

The review page shows one submitted version: every item by domain with its answer by label and its
evidence, what changed since the previous version, the country's validated answer of the previous
round, the consistency checks, the score the version would get, the queries and the actions the
user may take. Everything comes in a fixed number of queries, whatever the number of versions,
queries or messages: with what is cached, the submission with its round, country and previous
round's marker, the versions, and the queries with their messages (plus the analyst's regions, read
by access.py). Those are compiled to SQL once (``kernel/prepared.py``): on this page compiling
them cost more than running them.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from geography.models import Country
from kernel.prepared import Prepared
from kernel.translation import current_language
from policyindex import access
from questionnaire.evidence_markup import version_attachment_views
from questionnaire.forms import LABELS
from questionnaire.instrument_cache import label_among_options, version_items, version_texts
from questionnaire.models import QuestionnaireVersion, Round, Submission, SubmissionVersion
from questionnaire.selectors import (
    previous_marker,
    previous_validated_submission,
    with_previous_marker,
)
from questionnaire.services.answers import ANSWER_FIELDS, EVIDENCE_FIELDS
from questionnaire.services.evidence import version_attachments
from review import checks, transitions
from review.models import Query, QueryMessage, RoundEvent
from review.services.queries import REVIEWABLE
from review.services.submissions import validation_refusal
from scoring import engine
from scoring.models import ScoreRecord
from scoring.models.choices import Category

# The review actions with a page of their own: the URL name of each.
ACTION_URLS = {"return": "review:return", "validate": "review:validate", "reopen": "review:reopen"}


def person(user) -> str:
    if user is None:
        return _("the system")
    return user.get_full_name() or user.username


def _text(value) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class FlagView:
    key: str
    check: str
    message: str
    query_text: str
    asked: bool  # a query on it is open


@dataclass
class ItemReview:
    code: str
    name: str
    text: str
    answer_label: str
    evidence: list[tuple[str, str, str]]  # (label, value, kind)
    changes: list[Change] = field(default_factory=list)
    previous_label: str = ""
    previous_evidence: str = ""
    previous_differs: bool = False
    flags: list[FlagView] = field(default_factory=list)
    # The files attached to the item's evidence in this version (AttachmentView).
    files: list = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"item-{self.code}"


@dataclass
class DomainReview:
    number: int
    name: str
    items: list[ItemReview]


@dataclass(frozen=True)
class ScoreView:
    label: str
    score: object  # Fraction
    category: str


@dataclass(frozen=True)
class ActionView:
    action: str
    label: str
    url: str
    needs_reason: bool
    refusal: str = ""


@dataclass(frozen=True)
class QueryRow:
    """What the page shows of a query."""

    pk: int
    state: str
    flag: str
    item_id: int | None
    item_code: str | None

    @property
    def is_open(self) -> bool:
        return self.state == Query.State.OPEN


@dataclass(frozen=True)
class MessageRow:
    """What the page shows of a query's message; ``by`` is its author's name as shown."""

    pk: int
    kind: str
    text: str
    at: datetime
    by: str


@dataclass(frozen=True)
class QueryView:
    query: QueryRow
    target: str
    messages: list[MessageRow]
    may_reply: bool
    may_close: bool
    may_reopen: bool


@dataclass
class ReviewPage:
    round: object
    country: object
    submission: Submission | None
    version: SubmissionVersion | None
    versions: list[SubmissionVersion]
    previous_version: SubmissionVersion | None = None
    is_latest: bool = True
    domains: list[DomainReview] = field(default_factory=list)
    general_comment: str = ""
    general_comment_change: Change | None = None
    previous_round_name: str = ""
    overall: ScoreView | None = None
    domain_scores: list[ScoreView] = field(default_factory=list)
    imputed: list[str] = field(default_factory=list)
    actions: list[ActionView] = field(default_factory=list)
    open_queries: list[QueryView] = field(default_factory=list)
    closed_queries: list[QueryView] = field(default_factory=list)
    may_raise_queries: bool = False
    item_choices: list[tuple[str, str]] = field(default_factory=list)
    flag_count: int = 0
    entered_by: list[str] = field(default_factory=list)
    may_enter_on_behalf: bool = False
    previous_round: Submission | None = None
    # (pk, updated_at) of the previous round's validated submission, or None: part of items_key.
    previous_round_marker: tuple | None = None
    asked: set = field(default_factory=set)
    items_key: str = ""


def _labeller(items):
    by_code = {item.code: item for item in items}

    def label(code: str, option: str) -> str:
        item = by_code.get(code)
        if not option:
            return ""
        # A code the version does not offer is never shown raw.
        return (label_among_options(item, option) if item else "") or _("(an answer not offered)")

    return label


def _shown(name: str, value, code: str, label) -> str:
    if name == "option_code":
        return label(code, value or "") if value else ""
    return _text(value)


_QUERIES = Prepared(
    lambda submission: (
        Query.objects.filter(submission=submission)
        .order_by("raised_at", "pk", "messages__at", "messages__pk")
        .values_list(
            "pk",
            "state",
            "flag",
            "item_id",
            "item__code",
            "messages__pk",
            "messages__kind",
            "messages__text",
            "messages__at",
            "messages__author__username",
            "messages__author__first_name",
            "messages__author__last_name",
        )
    ),
    submission=int,
)


def _queries(
    submission: Submission, user, texts, *, may_raise: bool
) -> tuple[list[QueryView], list[QueryView]]:
    """The submission's queries with their messages, oldest first, in one query (each message
    joined with its query, its item and its author; a query without messages still comes)."""
    may_answer = access.may_answer_queries(user, submission.country)
    rows = _QUERIES.rows(submission=submission.pk)
    queries: dict[int, tuple[QueryRow, list]] = {}
    names: dict[tuple, str] = {}  # each author's name as shown, worked out once
    for pk, state, flag, item_id, code, message_pk, kind, text, at, *author in rows:
        if pk not in queries:
            queries[pk] = (QueryRow(pk, state, flag, item_id, code), [])
        if message_pk is not None:
            author = tuple(author)
            if author not in names:
                username, first_name, last_name = author
                person = User(username=username, first_name=first_name, last_name=last_name)
                names[author] = person.get_full_name() or person.username
            queries[pk][1].append(MessageRow(message_pk, kind, text, at, names[author]))
    open_, closed = [], []
    for query, messages in queries.values():
        target = (
            texts[query.item_code].name
            if query.item_id and query.item_code in texts
            else _("The whole questionnaire")
        )
        view = QueryView(
            query=query,
            target=target,
            messages=messages,
            may_reply=query.is_open and (may_raise or may_answer),
            may_close=query.is_open and may_raise,
            may_reopen=not query.is_open and may_raise,
        )
        (open_ if query.is_open else closed).append(view)
    return open_, closed


def _actions(
    submission: Submission, user, latest: SubmissionVersion | None, *, open_queries: int | None
) -> list[ActionView]:
    """The review actions the user may take; ``open_queries`` is the number the page has just read
    (None: counted here)."""
    found = []
    args = [submission.round.code, submission.country.iso3]
    acts_as: dict[str, bool] = {}
    for t in transitions.actions_from("submission", submission.state):
        if t.action not in ACTION_URLS:
            continue
        if t.who not in acts_as:
            acts_as[t.who] = access.acts_as(user, t.who, submission.country)
        if not acts_as[t.who]:
            continue
        refusal = ""
        if t.action == "validate":
            refusal = validation_refusal(submission, latest, user, open_queries=open_queries) or ""
        elif t.action == "reopen" and submission.round.state == submission.round.State.PUBLISHED:
            refusal = _("The round is published: its figures change only by a revised release.")
        found.append(
            ActionView(
                action=t.action,
                label=str(t.label),
                url=reverse(ACTION_URLS[t.action], args=args),
                needs_reason=t.needs_reason,
                refusal=refusal,
            )
        )
    return found


def _score(answers: dict, domain_names: dict[int, str]):
    try:
        result = engine.compute_score(answers)
    except engine.ScoringError:
        return None, [], []
    overall = ScoreView(
        _("Overall"), result.overall.score, Category(result.overall.category.code).label
    )
    domains = [
        ScoreView(
            _("Domain %(number)s: %(name)s")
            % {"number": d.number, "name": domain_names.get(d.number, "")},
            d.score,
            Category(d.category.code).label,
        )
        for d in result.domains
    ]
    return overall, domains, list(result.imputed_items)


def _previous_round_answers(previous: Submission | None) -> dict[str, dict]:
    """Item code to the previous round's validated answer (with its label)."""
    if previous is None:
        return {}
    items = version_items(previous.round.version)
    by_code = {item.code: item for item in items}
    rows = {row["item__code"]: row for row in previous.answers.values("item__code", *ANSWER_FIELDS)}
    for row in rows.values():
        item = by_code.get(row["item__code"])
        row["label"] = label_among_options(item, row["option_code"]) if item else ""
    return rows


def may_enter_on_behalf(user, *, round, country, submission) -> bool:
    """An analyst in scope may enter the country's answers while it is not started, a draft or
    returned, and the round accepts them."""
    if not user.is_analyst:
        return False
    if submission is None:
        refusal = access.questionnaire_refusal_reason(
            user, round=round, country=country, on_behalf=True
        )
    else:
        # A submitted or validated copy is refused whoever asks: asked first, it costs no query.
        refusal = access.edit_refusal_reason(user, submission, on_behalf=True)
    return refusal is None and access.is_analyst_for(user, country)


def _flag_views(flags, *, label, previous_round_name: str, reference_year: int, asked: set):
    words = {"label": label, "previous_round": previous_round_name}
    return [
        FlagView(
            key=flag.key,
            check=flag.check,
            message=checks.describe(flag, **words, reference_year=reference_year),
            query_text=checks.query_text(flag, **words, reference_year=reference_year),
            asked=flag.key in asked,
        )
        for flag in flags
    ]


def _version_flags(version: SubmissionVersion, items, *, round, previous_rows) -> list:
    return checks.version_flags(
        version.answers,
        option_values=checks.option_values_of(items),
        previous={code: row["option_code"] for code, row in previous_rows.items()},
        reference_year=round.reference_year,
        item_order=[item.code for item in items],
    )


def current_flag(submission: Submission, key: str) -> FlagView | None:
    """The flag ``key`` of the submission's latest version, if it raises it now (with the query's
    text in the active language)."""
    latest = submission.versions.select_related("questionnaire_version").order_by("-number")
    version = latest.first()
    if version is None:
        return None
    previous = previous_validated_submission(round=submission.round, country=submission.country)
    previous_rows = _previous_round_answers(previous)
    items = version_items(version.questionnaire_version)
    flags = [
        f
        for f in _version_flags(version, items, round=submission.round, previous_rows=previous_rows)
        if f.key == key
    ]
    views = _flag_views(
        flags,
        label=_labeller(items),
        previous_round_name=previous.round.display_name if previous else "",
        reference_year=submission.round.reference_year,
        asked=set(),
    )
    return views[0] if views else None


def _columns(model, prefix: str = "", *, leave_out=()) -> list[str]:
    return [prefix + f.attname for f in model._meta.concrete_fields if f.name not in leave_out]


_SUBJECT = Prepared(
    lambda round_code, iso3: (
        with_previous_marker(Submission.objects.filter(round__code=round_code, country__iso3=iso3))
        .order_by()
        .values_list(
            *_columns(Submission),
            *_columns(Round, "round__"),
            *_columns(QuestionnaireVersion, "round__version__"),
            *_columns(Country, "country__"),
            "previous_pk",
            "previous_updated_at",
        )
    ),
    round_code=str,
    iso3=str,
)


def _instances(row: tuple, *models) -> list:
    """Model instances from consecutive columns of ``row`` (as ``_columns`` lists them)."""
    found, start = [], 0
    for model in models:
        names = _columns(model)
        found.append(model.from_db(DEFAULT_DB_ALIAS, names, row[start : start + len(names)]))
        start += len(names)
    return found


def review_subject(*, round_code: str, iso3: str) -> Submission | None:
    """The country's submission for the round (with its round, questionnaire version and
    country, and which validated submission of an earlier round it is compared with), whoever
    asks: the caller checks that the user may see the country (``access.may_see_country``).

    One query, compiled once (``kernel/prepared.py``): on the review page compiling the query
    cost more than running it."""
    rows = _SUBJECT.rows(round_code=round_code, iso3=iso3)
    if not rows:
        return None
    row = rows[0]
    submission, round_, version, country = _instances(
        row, Submission, Round, QuestionnaireVersion, Country
    )
    round_.version = version
    submission.round, submission.country = round_, country
    submission.previous_pk, submission.previous_updated_at = row[-2:]
    return submission


_VERSION_COLUMNS = _columns(SubmissionVersion, leave_out={"content"})
_VERSIONS = Prepared(
    lambda submission: (
        SubmissionVersion.objects.filter(submission=submission)
        .order_by("number")
        .values_list(
            *_VERSION_COLUMNS,
            *_columns(QuestionnaireVersion, "questionnaire_version__"),
            "submitted_by__username",
            "submitted_by__first_name",
            "submitted_by__last_name",
        )
    ),
    submission=int,
)


def _versions(submission: Submission) -> list[SubmissionVersion]:
    """The submission's frozen versions, oldest first, without their content (one query)."""
    found = []
    width = len(_VERSION_COLUMNS)
    for row in _VERSIONS.rows(submission=submission.pk):
        version = SubmissionVersion.from_db(DEFAULT_DB_ALIAS, _VERSION_COLUMNS, row[:width])
        if version.questionnaire_version_id == submission.round.version_id:
            version.questionnaire_version = submission.round.version
        else:
            (version.questionnaire_version,) = _instances(row[width:-3], QuestionnaireVersion)
        if version.submitted_by_id is not None:
            version.submitted_by = User.from_db(
                DEFAULT_DB_ALIAS,
                ["id", "username", "first_name", "last_name"],
                (version.submitted_by_id, *row[-3:]),
            )
        else:
            version.submitted_by = None
        version.submission = submission
        found.append(version)
    return found


def review_page(*, user, round, country, submission, number: int | None = None):
    """The review page of the submission's version ``number`` (the latest by default); None when
    the submission has no such version.

    What depends only on the version, the previous round, the language and the open flags (the
    items, the checks, the score) is built by ``fill_items`` only when the page's cached copy of
    it (``items_key``) is missing."""
    if submission is None:
        return ReviewPage(
            round=round,
            country=country,
            submission=None,
            version=None,
            versions=[],
            may_enter_on_behalf=may_enter_on_behalf(
                user, round=round, country=country, submission=None
            ),
        )
    versions = _versions(submission)
    latest = versions[-1] if versions else None
    page = ReviewPage(
        round=round,
        country=country,
        submission=submission,
        version=None,
        versions=versions,
        may_enter_on_behalf=may_enter_on_behalf(
            user, round=round, country=country, submission=submission
        ),
    )
    if latest is None:
        if number is not None:
            return None
        page.actions = _actions(submission, user, latest, open_queries=None)
        return page
    shown = latest if number is None else next((v for v in versions if v.number == number), None)
    if shown is None:
        return None
    earlier = [v for v in versions if v.number < shown.number]
    page.version, page.previous_version = shown, earlier[-1] if earlier else None
    page.is_latest = shown.number == latest.number
    texts = version_texts(shown.questionnaire_version)
    may_raise = access.may_raise_queries(user, country)
    page.open_queries, page.closed_queries = _queries(submission, user, texts, may_raise=may_raise)
    if page.is_latest:
        page.actions = _actions(submission, user, latest, open_queries=len(page.open_queries))
    page.may_raise_queries = page.is_latest and submission.state in REVIEWABLE and may_raise
    page.item_choices = [(code, t.name) for code, t in texts.items()]
    if shown.entered_by_ids:
        page.entered_by = [
            person(u) for u in User.objects.filter(pk__in=shown.entered_by_ids).order_by("pk")
        ]
    page.previous_round_marker = previous_marker(
        round=round, country=country, submission=submission
    )
    page.asked = {q.query.flag for q in page.open_queries if q.query.flag}
    page.items_key = (
        "review:items:"
        + hashlib.sha256(
            repr(
                (
                    # The moment tells a version from another that reused its primary key.
                    (shown.pk, shown.submitted_at.isoformat()),
                    (page.previous_version.pk, page.previous_version.submitted_at.isoformat())
                    if page.previous_version
                    else None,
                    page.previous_round_marker,
                    round.pk,
                    round.reference_year,
                    submission.state,
                    page.is_latest,
                    page.may_raise_queries,
                    sorted(page.asked),
                    current_language(),
                )
            ).encode()
        ).hexdigest()
    )
    return page


def fill_items(page: ReviewPage) -> ReviewPage:
    """The items of the shown version with their changes, the previous round, the flags, and the
    score: everything the page's cached part shows."""
    shown, previous_version, round = page.version, page.previous_version, page.round
    contents = dict(
        SubmissionVersion.objects.filter(
            pk__in=[v.pk for v in (shown, previous_version) if v is not None]
        ).values_list("pk", "content")
    )
    shown.content = contents[shown.pk]
    if previous_version is not None:
        previous_version.content = contents[previous_version.pk]
    items = version_items(shown.questionnaire_version)
    texts = version_texts(shown.questionnaire_version)
    label = _labeller(items)
    answers = shown.answers
    before = previous_version.answers if previous_version else None
    before_content = previous_version.content if previous_version else {}
    if page.previous_round_marker is not None:
        page.previous_round = (
            Submission.objects.select_related("round__version")
            .filter(pk=page.previous_round_marker[0])
            .first()
        )
    previous = page.previous_round
    page.previous_round_name = previous.round.display_name if previous else ""
    previous_rows = _previous_round_answers(previous)
    flags = _version_flags(shown, items, round=round, previous_rows=previous_rows)
    page.flag_count = len(flags)
    flags_by_item: dict[str, list[FlagView]] = {}
    views = _flag_views(
        flags,
        label=label,
        previous_round_name=page.previous_round_name,
        reference_year=round.reference_year,
        asked=page.asked,
    )
    for flag, view in zip(flags, views, strict=True):
        flags_by_item.setdefault(flag.item_code, []).append(view)

    field_labels = {name: str(LABELS[name]) for name in ANSWER_FIELDS}
    attachments = version_attachments(shown.content)
    files = version_attachment_views(round, page.country, attachments)
    attachments_before = version_attachments(before_content) if before is not None else {}
    domains: dict[int, DomainReview] = {}
    for item in items:
        answer = answers.get(item.code, {})
        evidence = [
            (field_labels[name], _text(answer.get(name)), name)
            for name in EVIDENCE_FIELDS
            if _text(answer.get(name)).strip()
        ]
        view = ItemReview(
            code=item.code,
            name=texts[item.code].name,
            text=texts[item.code].text,
            answer_label=label(item.code, answer.get("option_code") or "")
            if answer.get("option_code")
            else "",
            evidence=evidence,
            flags=flags_by_item.get(item.code, []),
            files=files.get(item.code, []),
        )
        if before is not None:
            old = before.get(item.code, {})
            for name in ANSWER_FIELDS:
                if _text(old.get(name)) != _text(answer.get(name)):
                    view.changes.append(
                        Change(
                            field_labels[name],
                            _shown(name, old.get(name), item.code, label),
                            _shown(name, answer.get(name), item.code, label),
                        )
                    )
            now, then = attachments.get(item.code, []), attachments_before.get(item.code, [])
            if [f["id"] for f in now] != [f["id"] for f in then]:
                view.changes.append(
                    Change(
                        _("Attached files"),
                        ", ".join(f["name"] for f in then),
                        ", ".join(f["name"] for f in now),
                    )
                )
        row = previous_rows.get(item.code)
        if row is not None:
            view.previous_label = row["label"]
            view.previous_evidence = ", ".join(
                part for part in (row["policy_name"], _text(row["policy_year"])) if part
            )
            view.previous_differs = (row["option_code"] or "") != (answer.get("option_code") or "")
        if item.domain.number not in domains:
            domains[item.domain.number] = DomainReview(
                item.domain.number, item.domain.display_name, []
            )
        domains[item.domain.number].items.append(view)
    page.domains = list(domains.values())
    page.general_comment = shown.content.get("general_comment", "")
    if before is not None and previous_version.content.get("general_comment", "") != (
        page.general_comment
    ):
        page.general_comment_change = Change(
            str(LABELS["general_comment"]),
            previous_version.content.get("general_comment", ""),
            page.general_comment,
        )
    page.overall, page.domain_scores, page.imputed = _score(
        shown.answer_codes(), {number: d.name for number, d in domains.items()}
    )
    return page


# --- The timeline ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    at: datetime
    order: int  # among entries of the same moment: state changes after what caused them
    what: str
    who: str
    why: str = ""
    kind: str = ""


def _dates(details: dict) -> str:
    from django.utils.dateparse import parse_date
    from django.utils.formats import date_format

    parts = []
    names = {"opens_on": _("opening date"), "closes_on": _("closing date")}
    for name, values in details.items():
        if name not in names or not isinstance(values, list) or len(values) != 2:
            continue
        old, new = (parse_date(v) if isinstance(v, str) else None for v in values)
        if old and new:
            parts.append(
                _("%(name)s %(old)s → %(new)s")
                % {
                    "name": names[name],
                    "old": date_format(old, "DATE_FORMAT"),
                    "new": date_format(new, "DATE_FORMAT"),
                }
            )
    return "; ".join(parts)


def _score_text(record: ScoreRecord) -> str:
    from policyindex.templatetags.localized_numbers import localized_number

    return _("Score %(score)s: %(category)s (%(trigger)s)") % {
        "score": localized_number(record.exact_score, 1),
        "category": record.get_category_display(),
        "trigger": record.get_trigger_display(),
    }


def timeline_entries(*, round, country, submission: Submission | None) -> list[Entry]:
    """Every state change, frozen version, query message, score record and deadline change of the
    country's submission for the round, oldest first (a fixed number of queries)."""
    entries: list[Entry] = []
    if submission is not None:
        for v in submission.versions.select_related("submitted_by").order_by("number"):
            what = _("Version %(number)s frozen for review") % {"number": v.number}
            why = ""
            if v.entered_on_behalf:
                what = _(
                    "Version %(number)s frozen for review, entered on behalf of the country"
                ) % {"number": v.number}
                why = v.source
            entries.append(Entry(v.submitted_at, 0, what, person(v.submitted_by), why, "version"))
        for e in submission.events.select_related("actor").order_by("at", "pk"):
            if e.from_state:
                what = _("%(action)s: %(old)s → %(new)s") % {
                    "action": e.get_action_display(),
                    "old": e.get_from_state_display(),
                    "new": e.get_to_state_display(),
                }
            else:
                what = e.get_action_display()
            entries.append(Entry(e.at, 1, what, person(e.actor), e.note, "state"))
        messages = QueryMessage.objects.filter(query__submission=submission).select_related(
            "author", "query__item"
        )
        for m in messages.order_by("at", "pk"):
            target = m.query.item.code if m.query.item_id else _("the whole questionnaire")
            what = _("Query on %(target)s: %(kind)s") % {
                "target": target,
                "kind": m.get_kind_display().lower(),
            }
            entries.append(Entry(m.at, 2, what, person(m.author), m.text, "query"))
    records = ScoreRecord.objects.filter(round=round, country=country).select_related(
        "triggered_by"
    )
    for r in records.order_by("created_at", "pk"):
        entries.append(
            Entry(r.created_at, 3, _score_text(r), person(r.triggered_by), r.reason, "score")
        )
    round_events = RoundEvent.objects.filter(round=round).filter(
        Q(country=country) | Q(action=RoundEvent.Action.DATES_CHANGED, country=None)
    )
    for e in round_events.select_related("actor").order_by("at", "pk"):
        what = e.get_action_display()
        dates = _dates(e.details or {})
        if dates:
            what = f"{what}: {dates}"
        entries.append(Entry(e.at, 4, what, person(e.actor), e.reason, "deadline"))
    return sorted(entries, key=lambda entry: (entry.at, entry.order))
