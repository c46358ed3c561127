"""A country's answers for a round, and the record of every change of its state."""

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from geography.models import Country
from kernel.append_only import AppendOnlyModel

from .instrument import Item
from .rounds import Round


class Submission(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned to the country")
        VALIDATED = "validated", _("Validated")

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("round")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("country")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    general_comment = models.TextField(_("general comment"), blank=True, max_length=5000)
    # Incremented by every save; a save based on an older revision is refused (optimistic lock).
    revision = models.PositiveIntegerField(_("revision"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last saved by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["round", "country__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "country"], name="one_submission_per_round")
        ]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"{self.country} — {self.round}"

    def answer_codes(self) -> dict[str, str | None]:
        """Item code to option code (None when unanswered), as the scoring engine takes them."""
        return {a.item.code: (a.option_code or None) for a in self.answers.select_related("item")}


class Answer(models.Model):
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="answers", verbose_name=_("submission")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="answers", verbose_name=_("item")
    )
    # The response option's code (e.g. "yes_all"), never its label; blank means not answered.
    option_code = models.CharField(_("answer"), max_length=20, blank=True)
    policy_name = models.CharField(_("law, policy or strategy"), max_length=500, blank=True)
    policy_year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    link = models.URLField(_("link"), max_length=1000, blank=True)
    citation = models.CharField(_("citation"), max_length=1000, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    # How many AnswerChange rows this answer has: kept with every save, so a page never counts them.
    change_count = models.PositiveIntegerField(_("changes"), default=0, editable=False)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )

    class Meta:
        ordering = ["submission", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "item"], name="one_answer_per_item")
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        from questionnaire.instrument_cache import option_label

        return f"{self.item.code}: {option_label(self.item, self.option_code) or '—'}"

    @property
    def is_answered(self) -> bool:
        return bool(self.option_code)


class SubmissionEvent(AppendOnlyModel):
    """Who changed a submission's state, when and why. Never updated or deleted."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned to the country")
        VALIDATED = "validated", _("Validated")
        REOPENED = "reopened", _("Reopened")

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="events", verbose_name=_("submission")
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    from_state = models.CharField(
        _("from state"), max_length=20, blank=True, choices=Submission.State.choices
    )
    to_state = models.CharField(_("to state"), max_length=20, choices=Submission.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    version = models.ForeignKey(
        "questionnaire.SubmissionVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("submitted version"),
    )

    class Meta:
        ordering = ["submission", "at", "pk"]
        verbose_name = _("submission event")
        verbose_name_plural = _("submission events")

    def __str__(self) -> str:
        at = date_format(localtime(self.at), "DATETIME_FORMAT")
        return f"{self.submission}: {self.get_action_display()} ({at})"
