"""Saving a draft and submitting: the rules, each change in one transaction with its history.

A save carries the revision of the submission it was based on. Under a row lock, a save based on an
older revision is refused (``StaleSave``) with the changes made meanwhile, so nobody silently
overwrites a colleague's work. Every changed field is written to ``AnswerChange`` in the same
transaction as the change.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policyindex.access import edit_refusal_reason
from questionnaire.instrument_cache import version_items
from questionnaire.models import Answer, AnswerChange, Submission, SubmissionEvent

EVIDENCE_FIELDS = ("policy_name", "policy_year", "link", "citation", "comment")
ANSWER_FIELDS = ("option_code", *EVIDENCE_FIELDS)


@dataclass(frozen=True)
class AnswerInput:
    """What a focal point entered for one item; blank values mean "not given"."""

    option_code: str = ""
    policy_name: str = ""
    policy_year: int | None = None
    link: str = ""
    citation: str = ""
    comment: str = ""

    @classmethod
    def from_answer(cls, answer: Answer) -> "AnswerInput":
        return cls(**{name: getattr(answer, name) for name in ANSWER_FIELDS})


class SaveRefused(Exception):
    """Nothing was saved; ``message`` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotEditable(SaveRefused):
    pass


class StaleSave(SaveRefused):
    """The save was based on an older revision; ``changes`` are those made since then."""

    def __init__(self, message: str, *, changes: list[AnswerChange], current_revision: int):
        super().__init__(message)
        self.changes = changes
        self.current_revision = current_revision


class IncompleteSubmission(SaveRefused):
    """Submitting needs every item answered; ``missing`` lists the unanswered item codes."""

    def __init__(self, message: str, *, missing: list[str]):
        super().__init__(message)
        self.missing = missing


@dataclass
class SaveOutcome:
    submission: Submission
    changed_items: list[str] = field(default_factory=list)
    general_comment_changed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.changed_items) or self.general_comment_changed


def _as_text(value) -> str:
    return "" if value is None else str(value)


def _apply(
    submission: Submission,
    *,
    by,
    answers: Mapping[str, AnswerInput],
    general_comment: str | None,
    revision: int,
    now,
) -> tuple[list[str], bool]:
    """Writes the changed answers and their history (a fixed number of queries, whatever changed)."""
    items = {item.pk: item for item in version_items(submission.round.version)}
    stored = {}
    for answer in submission.answers.all():
        answer.item = items[answer.item_id]
        stored[answer.item.code] = answer
    unknown = set(answers) - set(stored)
    if unknown:
        raise ValueError(f"Items not in this questionnaire: {sorted(unknown)}")
    changed_answers, history, changed_items = [], [], []
    for code, entered in answers.items():
        answer = stored[code]
        if entered.option_code and entered.option_code not in {o.code for o in answer.item.options}:
            raise ValueError(f"{entered.option_code!r} is not an option of item {code}")
        fields = [name for name in ANSWER_FIELDS if getattr(answer, name) != getattr(entered, name)]
        if not fields:
            continue
        for name in fields:
            history.append(
                AnswerChange(
                    submission=submission,
                    item=answer.item,
                    revision=revision,
                    field=name,
                    old_value=_as_text(getattr(answer, name)),
                    new_value=_as_text(getattr(entered, name)),
                    changed_by=by,
                )
            )
            setattr(answer, name, getattr(entered, name))
        answer.updated_by = by
        answer.updated_at = now
        changed_answers.append(answer)
        changed_items.append(code)
    # None: the general comment was not part of what was sent, so it stays as it is.
    comment_changed = general_comment is not None and general_comment != submission.general_comment
    if comment_changed:
        history.append(
            AnswerChange(
                submission=submission,
                item=None,
                revision=revision,
                field=AnswerChange.Field.GENERAL_COMMENT,
                old_value=submission.general_comment,
                new_value=general_comment,
                changed_by=by,
            )
        )
        submission.general_comment = general_comment
    if changed_answers:
        _update_answers(changed_answers)
    if history:
        AnswerChange.objects.bulk_create(history, batch_size=500)
    return changed_items, comment_changed


_UPDATED_COLUMNS = (*ANSWER_FIELDS, "updated_by_id", "updated_at")
_POSTGRES_TYPES = {
    "id": "bigint",
    "option_code": "varchar",
    "policy_name": "varchar",
    "policy_year": "integer",
    "link": "varchar",
    "citation": "varchar",
    "comment": "text",
    "updated_by_id": "bigint",
    "updated_at": "timestamptz",
}


def _update_answers(answers: list[Answer], *, batch_size: int = 100) -> None:
    """Writes the changed answers in one UPDATE ... FROM (VALUES ...) per batch.

    ``bulk_update`` builds a CASE expression per field and row, which costs more than the whole
    rest of a save; this statement does the same in a fraction of the time, on PostgreSQL and
    SQLite. Other databases fall back to ``bulk_update``.
    """
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        Answer.objects.bulk_update(answers, list(_UPDATED_COLUMNS), batch_size=batch_size)
        return
    quote = connection.ops.quote_name
    table = quote(Answer._meta.db_table)
    columns = ("id", *_UPDATED_COLUMNS)
    assignments = ", ".join(f"{quote(c)} = v.{quote(c)}" for c in _UPDATED_COLUMNS)
    if vendor == "postgresql":
        placeholder = "(" + ", ".join(f"%s::{_POSTGRES_TYPES[c]}" for c in columns) + ")"
    else:
        placeholder = "(" + ", ".join("%s" for _ in columns) + ")"
    column_list = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        for start in range(0, len(answers), batch_size):
            batch = answers[start : start + batch_size]
            values = ", ".join([placeholder] * len(batch))
            params = []
            for answer in batch:
                params.extend(
                    [
                        answer.pk,
                        *(getattr(answer, name) for name in ANSWER_FIELDS),
                        answer.updated_by_id,
                        connection.ops.adapt_datetimefield_value(answer.updated_at),
                    ]
                )
            if vendor == "postgresql":
                sql = (
                    f"UPDATE {table} SET {assignments} FROM (VALUES {values}) "
                    f"AS v({column_list}) WHERE {table}.{quote('id')} = v.{quote('id')}"
                )
            else:
                sql = (
                    f"WITH v({column_list}) AS (VALUES {values}) "
                    f"UPDATE {table} SET {assignments} FROM v "
                    f"WHERE {table}.{quote('id')} = v.{quote('id')}"
                )
            cursor.execute(sql, params)


def _lock_for_change(submission_id: int, *, by, base_revision: int) -> Submission:
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("round__version", "country")
        .get(pk=submission_id)
    )
    reason = edit_refusal_reason(by, submission)
    if reason:
        raise NotEditable(reason)
    if submission.revision != base_revision:
        changes = list(
            AnswerChange.objects.filter(submission=submission, revision__gt=base_revision)
            .select_related("item", "changed_by")
            .order_by("revision", "pk")
        )
        raise StaleSave(
            _(
                "Someone saved this questionnaire after you opened it, so your changes were not "
                "saved. Your input is kept below: check the items changed meanwhile, then save again."
            ),
            changes=changes,
            current_revision=submission.revision,
        )
    return submission


def _lock_and_apply(
    submission: Submission, *, by, base_revision: int, answers, general_comment: str | None
) -> tuple[Submission, list[str], bool]:
    """Locks the submission, checks who saves and on which revision, and writes the changes.

    Runs inside the caller's transaction.
    """
    locked = _lock_for_change(submission.pk, by=by, base_revision=base_revision)
    changed_items, comment_changed = _apply(
        locked,
        by=by,
        answers=answers,
        general_comment=general_comment,
        revision=locked.revision + 1,
        now=timezone.now(),
    )
    return locked, changed_items, comment_changed


def save_draft(
    *,
    submission: Submission,
    by,
    base_revision: int,
    answers: Mapping[str, AnswerInput],
    general_comment: str | None,
) -> SaveOutcome:
    """Keeps any subset of answers exactly as entered; completeness is not required.

    Refused (nothing saved) when the user may not change the submission or when it was saved by
    someone else since ``base_revision``. Saving without any change leaves the revision unchanged.
    """
    with transaction.atomic():
        locked, changed_items, comment_changed = _lock_and_apply(
            submission,
            by=by,
            base_revision=base_revision,
            answers=answers,
            general_comment=general_comment,
        )
        if changed_items or comment_changed:
            locked.revision += 1
            locked.updated_by = by
            locked.save(update_fields=["revision", "general_comment", "updated_by", "updated_at"])
    return SaveOutcome(
        submission=locked, changed_items=changed_items, general_comment_changed=comment_changed
    )


def submit(
    *,
    submission: Submission,
    by,
    base_revision: int,
    answers: Mapping[str, AnswerInput],
    general_comment: str | None,
) -> Submission:
    """Saves the answers and submits them, all or nothing: every item must be answered.

    On refusal nothing is saved (not even the answers that came with the submission).
    """
    with transaction.atomic():
        locked, _changed_items, _comment_changed = _lock_and_apply(
            submission,
            by=by,
            base_revision=base_revision,
            answers=answers,
            general_comment=general_comment,
        )
        missing = list(
            locked.answers.filter(option_code="")
            .order_by("item__order")
            .values_list("item__code", flat=True)
        )
        if missing:
            # Leaving the block by the exception rolls back the answers written above.
            raise IncompleteSubmission(
                _("Every item must be answered before submitting; %(count)d are not.")
                % {"count": len(missing)},
                missing=missing,
            )
        from_state = locked.state
        locked.state = Submission.State.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.revision += 1
        locked.updated_by = by
        locked.save(
            update_fields=[
                "state",
                "submitted_at",
                "revision",
                "general_comment",
                "updated_by",
                "updated_at",
            ]
        )
        SubmissionEvent.objects.create(
            submission=locked,
            action=SubmissionEvent.Action.SUBMITTED,
            from_state=from_state,
            to_state=locked.state,
            actor=by,
        )
    return locked
