"""The history of every answer: who changed which field of an item, when, from what to what."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.append_only import AppendOnlyModel

from .instrument import Item
from .submissions import Submission


class AnswerChange(AppendOnlyModel):
    """One changed field of one answer (or the general comment), written with the change itself.

    ``revision`` is the submission's revision that the save produced, so the changes made since a
    given revision are those with a higher one. Never updated or deleted.
    """

    class Field(models.TextChoices):
        OPTION_CODE = "option_code", _("answer")
        POLICY_NAME = "policy_name", _("law, policy or strategy")
        POLICY_YEAR = "policy_year", _("year")
        LINK = "link", _("link")
        CITATION = "citation", _("citation")
        COMMENT = "comment", _("comment")
        GENERAL_COMMENT = "general_comment", _("general comment")
        # A file attached to the item's evidence (new value: its name) or removed (old value).
        ATTACHMENT = "attachment", _("attached file")

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="changes", verbose_name=_("submission")
    )
    # Empty for a change of the submission's general comment.
    item = models.ForeignKey(
        Item,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("item"),
    )
    revision = models.PositiveIntegerField(_("revision"))
    field = models.CharField(_("field"), max_length=30, choices=Field.choices)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["submission", "revision", "pk"]
        indexes = [
            models.Index(fields=["submission", "revision"], name="answerchange_sub_revision"),
            models.Index(fields=["submission", "item"], name="answerchange_sub_item"),
        ]
        verbose_name = _("answer change")
        verbose_name_plural = _("answer changes")

    @property
    def changed_by_name(self) -> str:
        user = self.changed_by
        return (user.get_full_name() or user.username) if user else "—"

    def __str__(self) -> str:
        target = self.item.code if self.item_id else _("general comment")
        return f"{self.submission_id} r{self.revision} {target} {self.field}"
