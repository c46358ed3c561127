"""A round of the Inquiry: which questionnaire version, when it is open, and its state."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.translation import translated

from .instrument import QuestionnaireVersion


class Round(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        PUBLISHED = "published", _("Published")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    reference_year = models.PositiveSmallIntegerField(_("reference year"), unique=True)
    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("questionnaire version"),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PLANNED
    )
    is_demo = models.BooleanField(
        _("demo data"),
        default=False,
        help_text=_("A round of made-up answers for trying the system; labelled on every page."),
    )
    carries_forward = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="carried_forward_by",
        verbose_name=_("carries forward"),
        help_text=_(
            "Earlier rounds whose results count for countries that did not answer this round."
        ),
    )

    class Meta:
        ordering = ["-reference_year"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        if self.pk and self.submissions.exists():
            stored_version = Round.objects.filter(pk=self.pk).values_list("version_id", flat=True)
            if stored_version.first() != self.version_id:
                raise ValidationError(
                    _("This round already has answers: its questionnaire version cannot change.")
                )
        super().save(*args, **kwargs)

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("A round cannot close before it opens.")})

    @property
    def display_name(self) -> str:
        return translated(self, "name")

    def accepts_answers(self, today: datetime.date | None = None) -> bool:
        """Whether focal points may still change answers: open state and within the dates."""
        today = today or timezone.localdate()
        return self.state == self.State.OPEN and self.opens_on <= today <= self.closes_on

    def is_past_closing(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return today > self.closes_on
