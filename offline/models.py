"""The record of every offline questionnaire workbook whose answers were saved."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.append_only import AppendOnlyModel
from questionnaire.models import Submission


class WorkbookUpload(AppendOnlyModel):
    """A confirmed upload of a filled workbook: who, when, which file, what it was based on and
    what it saved. The changed fields themselves are in the answers' history. Never updated or
    deleted."""

    submission = models.ForeignKey(
        Submission,
        on_delete=models.PROTECT,
        related_name="workbook_uploads",
        verbose_name=_("submission"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    file_size = models.PositiveIntegerField(_("size in bytes"))
    language = models.CharField(_("language of the workbook"), max_length=10)
    # The submission's revision the workbook was made from, and the one its save produced (the
    # same when nothing changed).
    workbook_revision = models.PositiveIntegerField(_("revision of the workbook"))
    saved_revision = models.PositiveIntegerField(_("revision after the upload"))
    changed_fields = models.PositiveIntegerField(_("fields changed"))
    kept_theirs = models.PositiveIntegerField(_("conflicts settled by keeping the saved value"))
    kept_mine = models.PositiveIntegerField(_("conflicts settled by keeping the workbook's value"))
    invalid_cells = models.PositiveIntegerField(_("cells not saved because they were wrong"))
    # Fields someone saved again between the dry run and the confirmation: not saved, shown again.
    conflicts_left = models.PositiveIntegerField(_("conflicts left to settle"))
    entered_on_behalf = models.BooleanField(_("entered on behalf of the country"), default=False)
    source = models.TextField(
        _("source"), blank=True, help_text=_("Where a workbook entered on behalf came from.")
    )

    class Meta:
        ordering = ["submission", "uploaded_at", "pk"]
        verbose_name = _("workbook upload")
        verbose_name_plural = _("workbook uploads")

    def __str__(self) -> str:
        return f"{self.submission}: {self.file_name}"
