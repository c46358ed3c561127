"""An uploaded workbook waiting for the user's confirmation, and what saving it would do.

Between the dry run and the confirmation the workbook's cell texts wait in the user's session, never
in the answers: the dry run writes nothing. They are checked again, in the language of the page, each
time the dry run is shown and when the user confirms, against what is saved at that moment.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from questionnaire.forms import input_name, key_of
from questionnaire.instrument_cache import version_items
from questionnaire.services.answers import (
    DraftPlan,
    FieldKey,
    as_text,
    preview_draft_save,
)

from .workbook_reader import (
    FilledWorkbook,
    ReadAnswers,
    accepted_answers,
    read_answers,
    typed_values,
)

SESSION_KEY = "offline_uploads"
# Uploads a session keeps waiting at once (the oldest is dropped).
KEPT_UPLOADS = 3


@dataclass
class PendingUpload:
    token: str
    user_id: int
    round: str
    country: str
    language: str
    workbook_revision: int
    file_name: str
    file_sha256: str
    file_size: int
    uploaded_at: str
    on_behalf: bool = False
    source: str = ""
    typed: dict[str, str] = field(default_factory=dict)  # input name to the cell's text
    where: dict[str, str] = field(default_factory=dict)  # input name to the cell's reference

    def typed_by_key(self) -> dict[FieldKey, str]:
        return {key_of(name): text for name, text in self.typed.items() if key_of(name)}

    def where_by_key(self) -> dict[FieldKey, str]:
        return {key_of(name): ref for name, ref in self.where.items() if key_of(name)}

    @property
    def uploaded(self) -> datetime:
        return datetime.fromisoformat(self.uploaded_at)


def pending_from_workbook(
    filled: FilledWorkbook, *, content: bytes, file_name: str, user, on_behalf: bool, source: str
) -> PendingUpload:
    typed, where = typed_values(filled)
    meta = filled.meta
    return PendingUpload(
        token=secrets.token_urlsafe(16),
        user_id=user.pk,
        round=meta.round,
        country=meta.country,
        language=meta.language,
        workbook_revision=meta.revision,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        file_size=len(content),
        uploaded_at=timezone.now().isoformat(),
        on_behalf=on_behalf,
        source=source,
        typed={input_name(key): text for key, text in typed.items()},
        where={input_name(key): ref for key, ref in where.items()},
    )


def keep_pending(session, pending: PendingUpload) -> None:
    uploads = dict(session.get(SESSION_KEY, {}))
    uploads[pending.token] = pending.__dict__
    while len(uploads) > KEPT_UPLOADS:
        oldest = min(uploads, key=lambda token: uploads[token]["uploaded_at"])
        uploads.pop(oldest)
    session[SESSION_KEY] = uploads


def pending_upload(session, token: str, *, user) -> PendingUpload | None:
    """The upload waiting under ``token`` in this session for this user; None if there is none."""
    stored = session.get(SESSION_KEY, {}).get(token)
    if not stored or stored.get("user_id") != user.pk:
        return None
    try:
        return PendingUpload(**stored)
    except TypeError:
        return None


def forget_pending(session, token: str) -> None:
    uploads = dict(session.get(SESSION_KEY, {}))
    if uploads.pop(token, None) is not None:
        session[SESSION_KEY] = uploads


@dataclass
class UploadPlan:
    """The workbook's answers checked now, and what saving them would do now."""

    read: ReadAnswers
    entries: dict[FieldKey, object]
    plan: DraftPlan


def _lf(value) -> str:
    return as_text(value).replace("\r\n", "\n")


def plan_upload(
    pending: PendingUpload,
    *,
    round,
    country,
    keep_theirs=(),
    overrule=None,
) -> UploadPlan:
    """Checks the cells again (in the active language) and works out the save, without writing.

    A text saved from the web form keeps the line breaks browsers send (CR LF) where Excel gives
    LF: a text that differs only by them is the saved text, not a change.
    """
    options = accepted_answers(version_items(round.version), language=pending.language)
    read = read_answers(pending.typed_by_key(), options=options)
    entries = dict(read.entries)

    def preview():
        return preview_draft_save(
            round=round,
            country=country,
            base_revision=pending.workbook_revision,
            entries=entries,
            keep_theirs=keep_theirs,
            overrule=overrule,
        )

    plan = preview()
    settled = False
    for key in [*plan.to_write, *(c.key for c in plan.conflicts)]:
        value = entries[key]
        if not isinstance(value, str):
            continue
        candidates = [plan.current[key]]
        if key in plan.changed_since:
            candidates.append(plan.changed_since[key].base)
        for candidate in candidates:
            if _lf(value) == _lf(candidate):
                entries[key] = candidate
                settled = True
                break
    if settled:
        plan = preview()
    return UploadPlan(read=read, entries=entries, plan=plan)
