"""Countries and areas of the UN Inquiry, and the regions that aggregates are computed for."""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kernel.translation import translated

WORLD_M49 = "001"
# The UN groupings the SDG Global Database publishes for 10.7.2, in the order pages list them:
# least developed countries, landlocked developing countries, small island developing States,
# developed regions, developing regions.
GROUPING_M49 = ("199", "432", "722", "514", "515")


class Region(models.Model):
    class Kind(models.TextChoices):
        WORLD = "world", _("World")
        SDG = "sdg", _("SDG region")
        M49_REGION = "m49_region", _("M49 region")
        M49_SUBREGION = "m49_subregion", _("M49 sub-region")
        M49_INTERMEDIATE = "m49_intermediate", _("M49 intermediate region")
        # Not geographic: membership is dated data (GroupingMembership), read at a round's date.
        GROUPING = "grouping", _("UN grouping")

    m49 = models.CharField(_("M49 code"), max_length=3)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "m49"]
        constraints = [
            # M49 uses 419 both as a region-level grouping and as the SDG region; kind tells them apart.
            models.UniqueConstraint(fields=["kind", "m49"], name="unique_region_kind_m49")
        ]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.m49})"

    @property
    def display_name(self) -> str:
        return translated(self, "name")


class Country(models.Model):
    class UNStatus(models.TextChoices):
        MEMBER = "member", _("Member State")
        OBSERVER = "observer", _("Observer State")
        NON_MEMBER = "non-member", _("Non-member State")

    m49 = models.CharField(_("M49 code"), max_length=3, unique=True)
    iso3 = models.CharField(_("ISO alpha-3"), max_length=3, unique=True)
    iso2 = models.CharField(_("ISO alpha-2"), max_length=2)
    name = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    un_status = models.CharField(_("UN status"), max_length=20, choices=UNStatus.choices)
    m49_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("M49 region")
    )
    m49_subregion = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("M49 sub-region")
    )
    intermediate_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("M49 intermediate region"),
    )
    sdg_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("SDG region")
    )
    ldc = models.BooleanField(_("least developed country"), default=False)
    lldc = models.BooleanField(_("land-locked developing country"), default=False)
    sids = models.BooleanField(_("small island developing State"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return translated(self, "name")

    def region_ids(self) -> set[int]:
        """The regions this country counts in, besides World."""
        ids = {self.m49_region_id, self.m49_subregion_id, self.sdg_region_id}
        if self.intermediate_region_id:
            ids.add(self.intermediate_region_id)
        return ids


def grouping_reference_date(reference_year: int) -> date:
    """The day on which a round's grouping memberships are read: 31 December of its reference
    year. A country that leaves a grouping during the year (São Tomé and Príncipe left the least
    developed countries on 13 December 2024) no longer counts in it for that year's round, and
    still counts in the rounds of earlier years."""
    return date(reference_year, 12, 31)


def members_on(day: date) -> Q:
    """Filter on GroupingMembership: the memberships in force on ``day``."""
    return (Q(member_from__isnull=True) | Q(member_from__lte=day)) & (
        Q(member_until__isnull=True) | Q(member_until__gt=day)
    )


class GroupingMembership(models.Model):
    """A country's membership of a UN grouping (least developed countries, landlocked or small
    island developing States, developed or developing regions) over a period. ``member_from`` is
    the first day of membership (empty: since before the first round this system holds);
    ``member_until`` the first day the country is no longer a member, e.g. its graduation from the
    least developed countries (empty: still a member). Sources: fixtures/data/README.md."""

    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        related_name="memberships",
        limit_choices_to={"kind": Region.Kind.GROUPING},
        verbose_name=_("grouping"),
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.CASCADE,
        related_name="grouping_memberships",
        verbose_name=_("country"),
    )
    member_from = models.DateField(_("member from"), null=True, blank=True)
    member_until = models.DateField(
        _("member until"),
        null=True,
        blank=True,
        help_text=_("The first day the country is no longer a member (e.g. its graduation)."),
    )

    class Meta:
        ordering = ["region", "country", "member_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member_from__isnull=True)
                | Q(member_until__isnull=True)
                | Q(member_from__lt=models.F("member_until")),
                name="grouping_membership_starts_before_it_ends",
            )
        ]
        verbose_name = _("grouping membership")
        verbose_name_plural = _("grouping memberships")

    def __str__(self) -> str:
        return f"{self.country} — {self.region}"

    def in_force_on(self, day: date) -> bool:
        return (self.member_from is None or self.member_from <= day) and (
            self.member_until is None or day < self.member_until
        )
