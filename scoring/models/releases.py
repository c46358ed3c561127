"""Releases: what a round's publication froze. Public figures, downloads and reports read these.

A release holds every country's result as it stood at publication (which round it came from, its
source and its category per breakdown) and the aggregates computed from them. Releases are never
changed: revising a published round's figures writes a new release with its reason, and the older
one stays readable, superseded by the newer.
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
from .records import ScoreRecord


class Release(AppendOnlyModel):
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="releases", verbose_name=_("round")
    )
    number = models.PositiveIntegerField(_("release"))
    reason = models.TextField(_("reason"), blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    methodology_version = models.CharField(_("methodology version"), max_length=40)
    # Region ("kind:M49", e.g. "sdg:419") to breakdown to the count of countries per category
    # (1-4), as published.
    aggregates = models.JSONField(_("aggregates"))
    content_hash = models.CharField(_("SHA-256 of the results"), max_length=64)

    class Meta:
        ordering = ["round", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="one_number_per_release")
        ]
        verbose_name = _("release")
        verbose_name_plural = _("releases")

    def __str__(self) -> str:
        at = date_format(localtime(self.published_at), "DATETIME_FORMAT")
        return f"{self.round} — {_('release')} {self.number} ({at})"


class ReleaseResult(AppendOnlyModel):
    """One country's category for one breakdown, as a release froze it."""

    COMPUTED = "computed"
    PUBLISHED = "published"
    SOURCES = [
        (COMPUTED, _("computed from validated answers")),
        (PUBLISHED, _("published by the UN, imported")),
    ]

    release = models.ForeignKey(
        Release, on_delete=models.PROTECT, related_name="results", verbose_name=_("release")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    # The round the result comes from: the released round, or one it carries forward.
    source_round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="+", verbose_name=_("result of round")
    )
    source = models.CharField(_("source"), max_length=10, choices=SOURCES)
    breakdown = models.CharField(_("breakdown"), max_length=10, choices=Breakdown.choices)
    category = models.PositiveSmallIntegerField(_("category"), choices=Category.choices)
    score_record = models.ForeignKey(
        ScoreRecord,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("score record"),
    )

    class Meta:
        ordering = ["release", "country", "breakdown"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "country", "breakdown"], name="one_result_per_release_breakdown"
            )
        ]
        verbose_name = _("released result")
        verbose_name_plural = _("released results")
