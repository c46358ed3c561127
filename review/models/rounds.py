"""The record of a round's life: state changes, date changes, per-country deadlines, exclusions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from geography.models import Country
from kernel.append_only import AppendOnlyModel
from questionnaire.models import Round


class RoundEvent(AppendOnlyModel):
    class Action(models.TextChoices):
        OPENED = "opened", _("Opened")
        CLOSED = "closed", _("Closed")
        PUBLISHED = "published", _("Published")
        DATES_CHANGED = "dates_changed", _("Dates changed")
        DEADLINE_EXTENDED = "deadline_extended", _("Deadline extended for a country")
        COUNTRY_EXCLUDED = "country_excluded", _("Country excluded from publication")

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="events", verbose_name=_("round")
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    from_state = models.CharField(
        _("from state"), max_length=20, blank=True, choices=Round.State.choices
    )
    to_state = models.CharField(
        _("to state"), max_length=20, blank=True, choices=Round.State.choices
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("country"),
    )
    # What changed, e.g. {"closes_on": ["2026-06-30", "2026-07-31"]}.
    details = models.JSONField(_("details"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["round", "at", "pk"]
        verbose_name = _("round event")
        verbose_name_plural = _("round events")

    def __str__(self) -> str:
        return f"{self.round}: {self.get_action_display()}"


class DeadlineExtension(AppendOnlyModel):
    """A later closing date for one country; the newest one for a round and country counts."""

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="extensions", verbose_name=_("round")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    closes_on = models.DateField(_("closes on"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        ordering = ["round", "country", "-granted_at", "-pk"]
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")

    def __str__(self) -> str:
        return f"{self.round} — {self.country}: {self.closes_on}"


class PublicationExclusion(AppendOnlyModel):
    """A country whose submission is left out of the round's publication, and why."""

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="exclusions", verbose_name=_("round")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    reason = models.TextField(_("reason"))
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("excluded by"),
    )
    excluded_at = models.DateTimeField(_("excluded at"), auto_now_add=True)

    class Meta:
        ordering = ["round", "country"]
        constraints = [
            models.UniqueConstraint(fields=["round", "country"], name="one_exclusion_per_country")
        ]
        verbose_name = _("exclusion from publication")
        verbose_name_plural = _("exclusions from publication")

    def __str__(self) -> str:
        return f"{self.round} — {self.country}"
