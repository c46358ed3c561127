"""Results published by the UN (SDG Global Database), imported from SDMX-CSV.

They carry categories only, without item answers. Each import is recorded (file, fingerprint, who,
when, counts); each value is an append-only row, and a changed value is a new row that keeps the old
one: the current published value of a country, round and breakdown is its newest row.
"""

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from geography.models import Country
from kernel.append_only import AppendOnlyModel
from questionnaire.models import Round

from .choices import Breakdown, Category


class ResultImport(AppendOnlyModel):
    file_name = models.CharField(_("file name"), max_length=500)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    observations = models.PositiveIntegerField(_("observations read"))
    new_values = models.PositiveIntegerField(_("new values"))
    changed_values = models.PositiveIntegerField(_("changed values"))
    unchanged_values = models.PositiveIntegerField(_("unchanged values"))
    skipped_other_series = models.PositiveIntegerField(_("rows of other series skipped"))

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("import of published results")
        verbose_name_plural = _("imports of published results")

    def __str__(self) -> str:
        return f"{self.file_name} ({date_format(localtime(self.imported_at), 'DATETIME_FORMAT')})"


class PublishedResult(AppendOnlyModel):
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="published_results",
        verbose_name=_("country"),
    )
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="published_results", verbose_name=_("round")
    )
    breakdown = models.CharField(_("breakdown"), max_length=10, choices=Breakdown.choices)
    category = models.PositiveSmallIntegerField(_("category"), choices=Category.choices)
    previous_category = models.PositiveSmallIntegerField(
        _("previous category"),
        choices=Category.choices,
        null=True,
        blank=True,
        help_text=_("The value this row replaced, when an import changed it."),
    )
    result_import = models.ForeignKey(
        ResultImport, on_delete=models.PROTECT, related_name="results", verbose_name=_("import")
    )

    class Meta:
        ordering = ["round", "country", "breakdown", "-pk"]
        indexes = [models.Index(fields=["round", "country", "breakdown"], name="published_current")]
        verbose_name = _("published result")
        verbose_name_plural = _("published results")

    def __str__(self) -> str:
        return f"{self.country} — {self.round} {self.breakdown}: {self.category}"
