"""Codes shared by score records and published results."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from scoring import engine

# The composite breakdowns of the SDG series: the overall score and the six domains.
OVERALL = engine.BREAKDOWN_TOTAL
DOMAIN_BREAKDOWNS = engine.DOMAIN_BREAKDOWNS
BREAKDOWNS = (OVERALL, *DOMAIN_BREAKDOWNS)


class Category(models.IntegerChoices):
    REQUIRES_FURTHER_PROGRESS = 1, _("Requires further progress")
    PARTIALLY_MEETS = 2, _("Partially meets")
    MEETS = 3, _("Meets")
    FULLY_MEETS = 4, _("Fully meets")


class Breakdown(models.TextChoices):
    OVERALL = OVERALL, _("Overall")
    PD_1 = "PD_1", _("Domain 1")
    PD_2 = "PD_2", _("Domain 2")
    PD_3 = "PD_3", _("Domain 3")
    PD_4 = "PD_4", _("Domain 4")
    PD_5 = "PD_5", _("Domain 5")
    PD_6 = "PD_6", _("Domain 6")
