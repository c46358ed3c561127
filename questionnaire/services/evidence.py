"""Attaching a file to an item's evidence and removing it from a draft.

Each is one transaction under the submission's row lock, allowed by the same rule as changing the
answers (``policyindex.access.edit_refusal_reason``), recorded in the item's history
(``AnswerChange``, field "attachment": the file's name as the new value when attached, as the old
value when removed) and counted as a save: the submission's revision goes up, so a colleague's
form based on the revision before sees that something changed (the draft merge compares only the
fields a form holds, so an attachment never conflicts with a text field).

The bytes go through Django's default storage under a random name. Removing a file from a draft
deletes its bytes after the commit unless a submitted version lists it: a version's files are
never deleted.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from policyindex.access import edit_refusal_reason
from questionnaire.evidence_types import CheckedFile, FileRefused, check_upload, max_files_per_item
from questionnaire.instrument_cache import version_items
from questionnaire.models import (
    Answer,
    AnswerChange,
    EvidenceFile,
    EvidenceFileRemoval,
    Submission,
    SubmissionVersion,
)
from questionnaire.models.evidence import evidence_path

from .answers import NotEditable, SaveRefused, _lock

logger = logging.getLogger(__name__)

ATTACHMENT = AnswerChange.Field.ATTACHMENT


class EvidenceRefused(SaveRefused):
    """Nothing was attached or removed; ``message`` says why, for the user."""


def _storage():
    return EvidenceFile._meta.get_field("file").storage


# --- Reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttachedFile:
    """What pages show of an attachment."""

    key: str
    item_id: int | None
    name: str
    content_type: str
    size: int


def current_files(submission: Submission | None) -> dict[int, list[AttachedFile]]:
    """The submission's attachments not removed, by item id, in the order attached (one query)."""
    found: dict[int, list[AttachedFile]] = defaultdict(list)
    if submission is None or submission.pk is None:
        return found
    rows = (
        EvidenceFile.objects.current()
        .filter(submission=submission)
        .order_by("uploaded_at", "pk")
        .values_list("key", "item_id", "original_name", "content_type", "size")
    )
    for key, item_id, name, content_type, size in rows:
        found[item_id].append(AttachedFile(str(key), item_id, name, content_type, size))
    return found


def frozen_attachments(submission: Submission) -> dict[str, list[dict]]:
    """What a submitted version records of the current attachments: item code to the files, each
    with its id, name, SHA-256, size and type (for ``SubmissionVersion.content``)."""
    found: dict[str, list[dict]] = {}
    files = (
        EvidenceFile.objects.current()
        .filter(submission=submission)
        .select_related("item")
        .order_by("item__order", "uploaded_at", "pk")
    )
    for evidence_file in files:
        found.setdefault(evidence_file.item.code, []).append(evidence_file.frozen)
    return found


def version_attachments(content: dict) -> dict[str, list[dict]]:
    """The attachments a version's content lists, by item code (none in versions without files)."""
    return content.get("attachments") or {}


def listed_by_a_version(evidence_file: EvidenceFile) -> bool:
    """Whether a submitted version of its submission lists the file (its bytes are then kept)."""
    key = str(evidence_file.key)
    code = evidence_file.item.code
    contents = SubmissionVersion.objects.filter(
        submission_id=evidence_file.submission_id, revision__gte=evidence_file.revision
    ).values_list("content", flat=True)
    return any(
        any(f.get("id") == key for f in version_attachments(content).get(code, []))
        for content in contents
    )


def is_removed(evidence_file: EvidenceFile) -> bool:
    return EvidenceFileRemoval.objects.filter(evidence_file=evidence_file).exists()


def downloadable(evidence_file: EvidenceFile) -> bool:
    """A current attachment, or one a submitted version lists (a file removed from a draft before
    any version listed it is gone)."""
    return not is_removed(evidence_file) or listed_by_a_version(evidence_file)


def file_by_key(*, key, round_code: str, iso3: str) -> EvidenceFile | None:
    """The attachment with this key if it belongs to the country's submission for the round."""
    return (
        EvidenceFile.objects.select_related("submission__country", "submission__round", "item")
        .filter(key=key, submission__round__code=round_code, submission__country__iso3=iso3)
        .first()
    )


def room_refusal(
    submission: Submission | None, item_code: str, files: list[CheckedFile]
) -> str | None:
    """Why these files cannot be added to the item as it stands (too many, or one already
    attached); None when they can. Checked again under the lock when attaching."""
    existing: list[tuple[str, str]] = []
    if submission is not None:
        existing = list(
            EvidenceFile.objects.current()
            .filter(submission=submission, item__code=item_code)
            .values_list("sha256", "original_name")
        )
    return _room_refusal(existing, item_code, files)


def _room_refusal(existing, item_code: str, files: list[CheckedFile]) -> str | None:
    limit = max_files_per_item()
    if len(existing) + len(files) > limit:
        return _(
            "Item %(code)s can have at most %(limit)s attached files: remove one before "
            "attaching another."
        ) % {"code": item_code, "limit": limit}
    seen = dict(existing)
    for checked in files:
        if checked.sha256 in seen:
            return _("“%(name)s” is already attached to item %(code)s (as “%(existing)s”).") % {
                "name": checked.name,
                "code": item_code,
                "existing": seen[checked.sha256],
            }
        seen[checked.sha256] = checked.name
    return None


# --- Changing ---------------------------------------------------------------------------------


def _record(locked: Submission, item, *, old: str, new: str, by, now) -> int:
    """The change in the item's history, counted on its answer, and the new revision."""
    revision = locked.revision + 1
    AnswerChange.objects.create(
        submission=locked,
        item=item,
        revision=revision,
        field=ATTACHMENT,
        old_value=old,
        new_value=new,
        changed_by=by,
    )
    Answer.objects.filter(submission=locked, item=item).update(
        change_count=F("change_count") + 1, updated_by=by, updated_at=now
    )
    locked.revision = revision
    locked.updated_by = by
    locked.save(update_fields=["revision", "updated_by", "updated_at"])
    return revision


def attach_evidence_file(
    *,
    item_code: str,
    uploaded_file,
    by,
    submission: Submission | None = None,
    round=None,
    country=None,
    on_behalf: bool = False,
    checked: CheckedFile | None = None,
) -> EvidenceFile:
    """Attaches the uploaded file to the item's evidence in the country's submission for the round
    (created if this is its first change). ``checked``: what ``check_upload`` found, when the caller
    has checked the file already. Refused (``EvidenceRefused``, nothing stored) when the user may
    not change the submission, when the file is empty, too large or not of an accepted type, when
    the item has its maximum of files, or when the same file is already attached to the item."""
    if submission is not None:
        round, country = submission.round, submission.country
    try:
        checked = checked or check_upload(uploaded_file)
    except FileRefused as refusal:
        raise EvidenceRefused(refusal.message) from refusal
    storage = _storage()
    stored_name = None
    try:
        with transaction.atomic():
            try:
                locked = _lock(
                    round=round, country=country, by=by, create=True, on_behalf=on_behalf
                )
            except NotEditable as refusal:
                raise EvidenceRefused(refusal.message) from refusal
            reason = edit_refusal_reason(by, locked, on_behalf=on_behalf)
            if reason:
                raise EvidenceRefused(reason)
            item = next(
                (i for i in version_items(locked.round.version) if i.code == item_code), None
            )
            if item is None:
                raise EvidenceRefused(
                    _("Item %(code)s is not in this questionnaire.") % {"code": item_code}
                )
            existing = list(
                EvidenceFile.objects.current()
                .filter(submission=locked, item=item)
                .values_list("sha256", "original_name")
            )
            refusal = _room_refusal(existing, item_code, [checked])
            if refusal:
                raise EvidenceRefused(refusal)
            record = EvidenceFile(
                submission=locked,
                item=item,
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                revision=locked.revision + 1,
                uploaded_by=by,
                entered_on_behalf=on_behalf,
            )
            uploaded_file.seek(0)
            stored_name = storage.save(evidence_path(record, ""), uploaded_file)
            record.file = stored_name
            record.save()
            _record(locked, item, old="", new=checked.name, by=by, now=timezone.now())
    except BaseException:
        if stored_name:
            storage.delete(stored_name)
        raise
    return record


def remove_evidence_file(
    *, evidence_file: EvidenceFile, by, on_behalf: bool = False, note: str = ""
) -> EvidenceFileRemoval:
    """Removes an attachment from a draft: recorded (who, when, why) and in the item's history.
    Its bytes are deleted after the commit unless a submitted version lists the file. Refused
    (``EvidenceRefused``, nothing changed) when the user may not change the submission or the file
    was removed already."""
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("round__version", "country")
            .get(pk=evidence_file.submission_id)
        )
        reason = edit_refusal_reason(by, locked, on_behalf=on_behalf)
        if reason:
            raise EvidenceRefused(reason)
        evidence_file = EvidenceFile.objects.select_related("item").get(pk=evidence_file.pk)
        if is_removed(evidence_file):
            raise EvidenceRefused(
                _("“%(name)s” was already removed.") % {"name": evidence_file.original_name}
            )
        removal = EvidenceFileRemoval.objects.create(
            evidence_file=evidence_file,
            revision=locked.revision + 1,
            removed_by=by,
            entered_on_behalf=on_behalf,
            note=note,
        )
        _record(
            locked,
            evidence_file.item,
            old=evidence_file.original_name,
            new="",
            by=by,
            now=timezone.now(),
        )
        if not listed_by_a_version(evidence_file):
            name = evidence_file.file.name
            transaction.on_commit(lambda: _delete_bytes(name), robust=True)
    return removal


def _delete_bytes(name: str) -> None:
    try:
        _storage().delete(name)
    except Exception:
        # The record of the removal stands; the bytes are left for an operator to clear.
        logger.exception("Could not delete the bytes of a removed evidence file: %s", name)
