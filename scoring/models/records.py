"""Score records: the audit trail behind every score the system shows.

A record freezes the answers it was computed from (and their fingerprint), the methodology version,
the overall and six domain results, the items imputed as 0, and who or what triggered it, when and
why. Records are never updated or deleted; a recomputation writes a new record beside the old one
and a country's current score for a round is its newest record.
"""

from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from geography.models import Country
from kernel.append_only import AppendOnlyModel
from questionnaire.models import Round, Submission
from scoring import engine

from .choices import Category


class ExactScoreMixin:
    """Scores are stored exactly as twice the sum of codes (an integer) over the item count."""

    twice_sum: int
    item_count: int

    @property
    def sum_of_codes(self) -> Fraction:
        return Fraction(self.twice_sum, 2)

    @property
    def exact_score(self) -> Fraction:
        return Fraction(self.twice_sum * 100, 2 * self.item_count)

    @property
    def score_display(self) -> str:
        return engine.score_display(self.exact_score, 1)

    @property
    def sum_display(self) -> str:
        """The sum of codes, exact: "23" or "23.5" (codes move in steps of 0.5)."""
        return engine.score_display(self.sum_of_codes, 0 if self.twice_sum % 2 == 0 else 1)

    @property
    def threshold_rule(self) -> str:
        """The rule of the category that the score falls in, e.g. "80 ≤ score < 100"."""
        return engine.threshold_rule(self.category)


class ScoreRecord(ExactScoreMixin, AppendOnlyModel):
    class Trigger(models.TextChoices):
        VALIDATION = "validation", _("Validation of the submission")
        RECOMPUTE = "recompute", _("Recomputation")
        DEMO = "demo data", _("Demo data")

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="score_records", verbose_name=_("country")
    )
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="score_records", verbose_name=_("round")
    )
    submission = models.ForeignKey(
        Submission,
        on_delete=models.PROTECT,
        related_name="score_records",
        null=True,
        blank=True,
        verbose_name=_("submission"),
    )
    submission_version = models.ForeignKey(
        "questionnaire.SubmissionVersion",
        on_delete=models.PROTECT,
        related_name="score_records",
        null=True,
        blank=True,
        verbose_name=_("submitted version"),
    )
    answers = models.JSONField(
        _("answers"), help_text=_("The frozen item code to option code mapping scored.")
    )
    answers_hash = models.CharField(_("fingerprint of the answers"), max_length=64)
    methodology_version = models.CharField(_("methodology version"), max_length=40)
    twice_sum = models.PositiveSmallIntegerField(_("twice the sum of codes"))
    item_count = models.PositiveSmallIntegerField(_("number of items"))
    score = models.DecimalField(
        _("score"),
        max_digits=8,
        decimal_places=4,
        help_text=_(
            "Rounded to four places for queries; the exact score is twice_sum / item_count × 50."
        ),
    )
    category = models.PositiveSmallIntegerField(_("category"), choices=Category.choices)
    imputed_items = models.JSONField(_("items imputed as 0"), default=list)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triggered by"),
    )
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["round", "country", "-created_at"], name="scorerecord_current")
        ]
        verbose_name = _("score record")
        verbose_name_plural = _("score records")

    def __str__(self) -> str:
        return f"{self.country} — {self.round}: {self.get_category_display()} ({date_format(localtime(self.created_at), 'DATETIME_FORMAT')})"


class DomainScore(ExactScoreMixin, AppendOnlyModel):
    """One domain's result within a score record (six per record)."""

    record = models.ForeignKey(
        ScoreRecord,
        on_delete=models.PROTECT,
        related_name="domain_scores",
        verbose_name=_("score record"),
    )
    number = models.PositiveSmallIntegerField(_("domain"))
    sdmx = models.CharField(_("SDMX breakdown"), max_length=10)
    twice_sum = models.PositiveSmallIntegerField(_("twice the sum of codes"))
    item_count = models.PositiveSmallIntegerField(_("number of items"))
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=4)
    category = models.PositiveSmallIntegerField(_("category"), choices=Category.choices)
    imputed_items = models.JSONField(_("items imputed as 0"), default=list)

    class Meta:
        ordering = ["record", "number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="one_domain_score_per_record")
        ]
        verbose_name = _("domain score")
        verbose_name_plural = _("domain scores")

    def __str__(self) -> str:
        return f"{self.record_id} {self.sdmx}: {self.get_category_display()}"
