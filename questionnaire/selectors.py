"""Read-only queries for pages: what waits for each user."""

import hashlib
import json
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from kernel.translation import current_language
from policyindex.access import countries_visible_to, submissions_visible_to

from .instrument_cache import version_items
from .models import Answer, AnswerChange, Domain, Item, Round, Submission
from .services.answers import ANSWER_FIELDS, AnswerInput


def submissions_with_progress(queryset):
    """Submissions annotated with the number of answered items (one query, whatever their count)."""
    return queryset.select_related("country", "round", "updated_by").annotate(
        answered_count=Count("answers", filter=~Q(answers__option_code="")),
        item_count=Count("answers"),
    )


def home_worklist(user) -> dict:
    open_rounds = list(Round.objects.filter(state=Round.State.OPEN).select_related("version"))
    context: dict = {"open_rounds": open_rounds}
    if user.is_focal_point:
        countries = list(countries_visible_to(user).order_by("name"))
        submissions = {
            (s.round_id, s.country_id): s
            for s in submissions_with_progress(
                Submission.objects.filter(country__in=countries, round__in=open_rounds)
            )
        }
        context["my_countries"] = countries
        context["worklist"] = [
            {"round": r, "country": c, "submission": submissions.get((r.pk, c.pk))}
            for r in open_rounds
            for c in countries
        ]
    else:
        visible = submissions_visible_to(user).filter(round__in=open_rounds)
        counts = {
            row["round_id"]: row
            for row in visible.values("round_id").annotate(
                drafts=Count("pk", filter=Q(state=Submission.State.DRAFT)),
                submitted=Count("pk", filter=Q(state=Submission.State.SUBMITTED)),
                validated=Count("pk", filter=Q(state=Submission.State.VALIDATED)),
            )
        }
        context["country_count"] = countries_visible_to(user).count()
        context["round_summaries"] = [
            {"round": r, "counts": counts.get(r.pk, {"drafts": 0, "submitted": 0, "validated": 0})}
            for r in open_rounds
        ]
        context["to_review"] = list(
            submissions_with_progress(visible.filter(state=Submission.State.SUBMITTED)).order_by(
                "submitted_at"
            )[:50]
        )
    return context


# --- The questionnaire page -------------------------------------------------------------------


def _previous_validated(*, country_id, reference_year):
    return Submission.objects.filter(
        country_id=country_id,
        state=Submission.State.VALIDATED,
        round__reference_year__lt=reference_year,
    ).order_by("-round__reference_year")


def previous_validated_submission(submission: Submission) -> Submission | None:
    """The country's validated submission of the latest round before this one, if any."""
    return (
        _previous_validated(
            country_id=submission.country_id, reference_year=submission.round.reference_year
        )
        .select_related("round")
        .first()
    )


# How long a rendered questionnaire stays cached. Its key changes with every save, so this only
# bounds how long a corrected translation of the instrument takes to show.
FRAGMENTS_SECONDS = 300


def with_previous_marker(queryset):
    """Annotates which validated submission of an earlier round the page shows, and its version."""
    previous = _previous_validated(
        country_id=OuterRef("country_id"), reference_year=OuterRef("round__reference_year")
    )
    return queryset.annotate(
        previous_pk=Subquery(previous.values("pk")[:1]),
        previous_updated_at=Subquery(previous.values("updated_at")[:1]),
    )


def previous_marker(submission: Submission) -> tuple | None:
    if hasattr(submission, "previous_pk"):
        pk, updated_at = submission.previous_pk, submission.previous_updated_at
    else:
        previous = previous_validated_submission(submission)
        pk, updated_at = (previous.pk, previous.updated_at) if previous else (None, None)
    return (pk, updated_at.isoformat()) if pk else None


def questionnaire_fragments_key(submission: Submission) -> str:
    """Everything the rendered questionnaire (as saved) depends on, as a cache key."""
    round_ = submission.round
    parts = (
        submission.pk,
        submission.created_at.isoformat(),
        submission.revision,
        submission.state,
        round_.state,
        round_.closes_on.isoformat(),
        round_.version_id,
        previous_marker(submission),
        current_language(),
        timezone.localdate().isoformat(),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"questionnaire:page:{digest}"


@dataclass
class ItemRow:
    item: Item
    answer: Answer | None
    previous: Answer | None = None
    previous_label: str = ""
    history_count: int = 0
    conflicts: list = field(default_factory=list)
    prefilled: bool = False

    @property
    def anchor(self) -> str:
        return f"item-{self.item.code}"

    @property
    def previous_json(self) -> str:
        return json.dumps(self.previous_values())

    @property
    def answer_label(self) -> str:
        return _option_label(self.item, self.answer.option_code if self.answer else "")

    def previous_values(self) -> dict:
        """The previous answer as the form's field values (the option only if still offered)."""
        if self.previous is None:
            return {}
        codes = {o.code for o in self.item.options}
        values = {name: getattr(self.previous, name) for name in ANSWER_FIELDS}
        if values["option_code"] not in codes:
            values["option_code"] = ""
        return values


@dataclass
class DomainBlock:
    domain: Domain
    rows: list[ItemRow]

    @property
    def answered(self) -> int:
        return sum(1 for r in self.rows if r.answer and r.answer.option_code)

    @property
    def anchor(self) -> str:
        return f"domain-{self.domain.number}"


@dataclass
class QuestionnairePage:
    submission: Submission
    items: list
    domains: list[DomainBlock]
    previous: Submission | None

    @property
    def rows(self) -> dict[str, ItemRow]:
        return {row.item.code: row for block in self.domains for row in block.rows}

    @property
    def answered(self) -> int:
        return sum(block.answered for block in self.domains)

    @property
    def total(self) -> int:
        return len(self.items)

    def saved_answers(self) -> dict[str, AnswerInput]:
        return {
            code: AnswerInput.from_answer(row.answer)
            for code, row in self.rows.items()
            if row.answer is not None
        }


def _option_label(item, code: str) -> str:
    for option in item.options:
        if option.code == code:
            return option.display_label
    return code


_NOT_LOOKED_UP = object()


def questionnaire_page(
    submission: Submission, *, items=None, previous=_NOT_LOOKED_UP
) -> QuestionnairePage:
    """Everything the questionnaire page shows, in a fixed number of queries."""
    items = items if items is not None else version_items(submission.round.version)
    answers = {a.item_id: a for a in submission.answers.all()}
    if previous is _NOT_LOOKED_UP:
        previous = previous_validated_submission(submission)
    previous_answers = (
        {a.item.code: a for a in previous.answers.select_related("item")} if previous else {}
    )
    history_counts = dict(
        AnswerChange.objects.filter(submission=submission, item__isnull=False)
        .values_list("item_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    blocks: dict[int, DomainBlock] = {}
    for item in items:
        row = ItemRow(
            item=item,
            answer=answers.get(item.pk),
            previous=previous_answers.get(item.code),
            history_count=history_counts.get(item.pk, 0),
        )
        if row.previous is not None:
            row.previous_label = _option_label(item, row.previous.option_code)
        blocks.setdefault(item.domain_id, DomainBlock(domain=item.domain, rows=[])).rows.append(row)
    return QuestionnairePage(
        submission=submission, items=items, domains=list(blocks.values()), previous=previous
    )


def item_history(submission: Submission, item: Item) -> list[AnswerChange]:
    return list(
        AnswerChange.objects.filter(submission=submission, item=item)
        .select_related("changed_by")
        .order_by("-revision", "-pk")
    )
