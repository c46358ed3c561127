"""Saving an uploaded workbook's answers: through the questionnaire's own draft save, with its
optimistic lock, and the record of the upload in the same transaction."""

from django.db import transaction

from questionnaire.services.answers import FieldKey, SaveOutcome, save_draft

from .models import WorkbookUpload
from .uploads import PendingUpload, UploadPlan


def save_uploaded_workbook(
    *,
    round,
    country,
    by,
    pending: PendingUpload,
    upload: UploadPlan,
    keep_theirs: set[FieldKey],
    overrule: dict[FieldKey, str],
) -> tuple[SaveOutcome, WorkbookUpload]:
    """Saves the workbook's valid cells as a draft, merged field by field with what colleagues
    saved since the workbook was made: conflicts the user settled are saved as they chose; a field
    someone saved again since the dry run is not saved and comes back as a conflict. Refused like
    ``save_draft`` (``NotEditable``), nothing written, when the user may not change the answers."""
    with transaction.atomic():
        outcome = save_draft(
            round=round,
            country=country,
            by=by,
            base_revision=pending.workbook_revision,
            entries=upload.entries,
            keep_theirs=keep_theirs,
            overrule=overrule,
            on_behalf=pending.on_behalf,
        )
        record = WorkbookUpload.objects.create(
            submission=outcome.submission,
            uploaded_by=by,
            file_name=pending.file_name,
            file_sha256=pending.file_sha256,
            file_size=pending.file_size,
            language=pending.language,
            workbook_revision=pending.workbook_revision,
            saved_revision=outcome.submission.revision,
            changed_fields=len(outcome.changed),
            kept_theirs=len(keep_theirs),
            kept_mine=len(overrule),
            invalid_cells=len(upload.read.errors),
            conflicts_left=len(outcome.conflicts),
            entered_on_behalf=pending.on_behalf,
            source=pending.source,
        )
    return outcome, record
