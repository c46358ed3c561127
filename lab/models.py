"""Variants of the methodology: named, explained sets of rules an analyst tries on a round.

A variant is never official and never edited: changing one writes a new variant prefilled from it.
Its results are computed in memory and shown in the lab only; they are never stored.
"""

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from kernel.append_only import AppendOnlyModel


class Variant(AppendOnlyModel):
    name = models.CharField(_("name"), max_length=200)
    reason = models.TextField(_("why"))
    based_on = models.CharField(_("official methodology version"), max_length=40)
    # See lab.rules: option values, imputation, weights, thresholds and aggregate categories,
    # every number an exact fraction string.
    rules = models.JSONField(_("rules"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("methodology variant")
        verbose_name_plural = _("methodology variants")

    def __str__(self) -> str:
        return f"{self.name} ({date_format(localtime(self.created_at), 'DATETIME_FORMAT')})"
