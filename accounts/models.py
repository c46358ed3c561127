"""People who use policyindex, their role and what they are assigned to."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Role(models.TextChoices):
        FOCAL_POINT = "focal_point", _("Country focal point")
        ANALYST = "analyst", _("Analyst")
        ADMINISTRATOR = "administrator", _("Administrator")

    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.FOCAL_POINT
    )
    countries = models.ManyToManyField(
        "questionnaire.Country",
        blank=True,
        related_name="focal_points",
        verbose_name=_("countries (focal point)"),
        help_text=_("The countries whose questionnaire this focal point answers."),
    )
    regions = models.ManyToManyField(
        "questionnaire.Region",
        blank=True,
        related_name="analysts",
        verbose_name=_("regions (analyst)"),
        help_text=_("Leave empty for an analyst who reviews every country."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def save(self, *args, **kwargs):
        # Administrators manage the site through the Django admin.
        if self.role == self.Role.ADMINISTRATOR:
            self.is_staff = True
            self.is_superuser = True
        super().save(*args, **kwargs)

    @property
    def is_focal_point(self) -> bool:
        return self.role == self.Role.FOCAL_POINT and not self.is_superuser

    @property
    def is_analyst(self) -> bool:
        return self.role == self.Role.ANALYST and not self.is_superuser

    @property
    def is_administrator(self) -> bool:
        return self.role == self.Role.ADMINISTRATOR or self.is_superuser
