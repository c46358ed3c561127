"""Bytes of evidence files that no attachment names.

Attaching stores the bytes, then writes the attachment in the same transaction, and deletes the
bytes again if that transaction fails. A transaction around it that is rolled back later, or a
process that dies in between, leaves bytes no row names: nobody can reach them, and they are
found and deleted here once they are old enough that no attachment can still be on its way."""

import datetime
from collections.abc import Iterator

from django.utils import timezone

from questionnaire.models import EvidenceFile

EVIDENCE_FOLDER = "evidence"


def _storage():
    return EvidenceFile._meta.get_field("file").storage


def _stored_names(storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing stored yet (an object store has no empty folders)
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _stored_names(storage, f"{folder}/{sub}")


def orphaned_evidence_files(*, older_than: datetime.timedelta) -> list[str]:
    """Stored names under the evidence folder that no attachment names, last written more than
    ``older_than`` ago."""
    storage = _storage()
    named = set(EvidenceFile.objects.values_list("file", flat=True))
    before = timezone.now() - older_than
    return sorted(
        name
        for name in _stored_names(storage, EVIDENCE_FOLDER)
        if name not in named and storage.get_modified_time(name) < before
    )


def delete_orphaned_evidence_files(*, older_than: datetime.timedelta) -> list[str]:
    """Deletes what ``orphaned_evidence_files`` finds; returns the names deleted."""
    storage = _storage()
    found = orphaned_evidence_files(older_than=older_than)
    for name in found:
        storage.delete(name)
    return found
