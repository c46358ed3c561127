"""The frozen copies of a submission: one per submission to the analysts, never changed after."""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.append_only import AppendOnlyModel

from .instrument import QuestionnaireVersion
from .submissions import Submission


def content_fingerprint(content: dict) -> str:
    """SHA-256 of the content written canonically (sorted keys, no spaces), so anyone can verify it."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class SubmissionVersion(AppendOnlyModel):
    """What the country submitted, as it was at that moment: every answer with its evidence, the
    general comment and the questionnaire version. Review, queries, validation and scores refer to
    a version, never to the live draft. Never updated or deleted."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="versions", verbose_name=_("submission")
    )
    number = models.PositiveIntegerField(_("version"))
    questionnaire_version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("questionnaire version"),
    )
    # The submission's revision that was frozen.
    revision = models.PositiveIntegerField(_("revision"))
    # {"answers": {item code: {option_code, policy_name, policy_year, link, citation, comment}},
    #  "general_comment": "...",
    #  "attachments": {item code: [{id, name, sha256, size, content_type}]}}  (only with files)
    content = models.JSONField(_("answers and evidence"))
    content_hash = models.CharField(_("SHA-256 of the content"), max_length=64)
    # Empty for a historical return loaded by the system.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    entered_on_behalf = models.BooleanField(
        _("entered on behalf of the country"),
        default=False,
        help_text=_("An analyst entered these answers from a questionnaire the country sent."),
    )
    source = models.TextField(
        _("source"), blank=True, help_text=_("Where answers entered on behalf came from.")
    )
    # Everyone who changed an answer of this version other than the country's focal points: they
    # may not validate it.
    entered_by_ids = models.JSONField(_("entered by"), default=list)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "number"], name="one_number_per_submission_version"
            )
        ]
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")

    def __str__(self) -> str:
        return f"{self.submission} v{self.number}"

    @property
    def answers(self) -> dict[str, dict]:
        return self.content["answers"]

    def answer_codes(self) -> dict[str, str | None]:
        """Item code to option code (None when unanswered), as the scoring engine takes them."""
        return {code: (a.get("option_code") or None) for code, a in self.answers.items()}

    def is_intact(self) -> bool:
        return content_fingerprint(self.content) == self.content_hash
