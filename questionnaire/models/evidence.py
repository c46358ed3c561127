"""Files attached to an item's evidence (the text of a law or policy), and their removal.

Both are records of the past: an attachment is never changed, and removing it from a draft writes
an ``EvidenceFileRemoval`` beside it. The current attachments of a submission are its files
without a removal; a submitted version lists the attachments it froze (``content["attachments"]``),
and the bytes of a file a version lists are never deleted.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.append_only import AppendOnlyModel, AppendOnlyQuerySet

from .instrument import Item
from .submissions import Submission


def evidence_path(instance: "EvidenceFile", filename: str) -> str:
    """Where the bytes are stored: a random name with the extension of the detected type, never
    the user's file name (which is kept in ``original_name``)."""
    from questionnaire.evidence_types import KINDS

    kind = KINDS.get(instance.content_type)
    extension = f".{kind.extension}" if kind else ""
    return f"evidence/{instance.key.hex[:2]}/{instance.key.hex}{extension}"


class EvidenceFileQuerySet(AppendOnlyQuerySet):
    def current(self):
        """The attachments not removed."""
        return self.filter(removal__isnull=True)


class EvidenceFile(AppendOnlyModel):
    """A file attached to one item of a submission. Never updated or deleted; removing it from a
    draft adds an ``EvidenceFileRemoval``."""

    objects = EvidenceFileQuerySet.as_manager()

    # The file's public identifier: in its address and in the frozen versions.
    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(
        Submission,
        on_delete=models.PROTECT,
        related_name="evidence_files",
        verbose_name=_("submission"),
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # The submission's revision that attaching it produced.
    revision = models.PositiveIntegerField(_("revision"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attached by"),
    )
    uploaded_at = models.DateTimeField(_("attached at"), auto_now_add=True)
    entered_on_behalf = models.BooleanField(
        _("attached on behalf of the country"),
        default=False,
        help_text=_("An analyst attached it from what the country sent."),
    )

    class Meta:
        ordering = ["submission", "uploaded_at", "pk"]
        indexes = [
            models.Index(fields=["submission", "item"], name="evidencefile_sub_item"),
        ]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name

    @property
    def frozen(self) -> dict:
        """What a submitted version records of the file."""
        return {
            "id": str(self.key),
            "name": self.original_name,
            "sha256": self.sha256,
            "size": self.size,
            "content_type": self.content_type,
        }


class EvidenceFileRemoval(AppendOnlyModel):
    """Who removed an attachment from a draft, when, and why. Never updated or deleted."""

    evidence_file = models.OneToOneField(
        EvidenceFile,
        on_delete=models.PROTECT,
        related_name="removal",
        verbose_name=_("evidence file"),
    )
    # The submission's revision that removing it produced.
    revision = models.PositiveIntegerField(_("revision"))
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )
    removed_at = models.DateTimeField(_("removed at"), auto_now_add=True)
    entered_on_behalf = models.BooleanField(_("removed on behalf of the country"), default=False)
    note = models.TextField(_("note"), blank=True, max_length=500)

    class Meta:
        ordering = ["removed_at", "pk"]
        verbose_name = _("evidence file removal")
        verbose_name_plural = _("evidence file removals")

    def __str__(self) -> str:
        return f"{self.evidence_file} ({self.removed_at:%Y-%m-%d})"
