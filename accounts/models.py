"""People who use policyindex, their role and what they are assigned to."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.append_only import AppendOnlyModel


class UserManager(DjangoUserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", User.Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    class Role(models.TextChoices):
        FOCAL_POINT = "focal_point", _("Country focal point")
        ANALYST = "analyst", _("Analyst")
        ADMINISTRATOR = "administrator", _("Administrator")

    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.FOCAL_POINT
    )
    countries = models.ManyToManyField(
        "geography.Country",
        blank=True,
        related_name="focal_points",
        verbose_name=_("countries (focal point)"),
        help_text=_("The countries whose questionnaire this focal point answers."),
    )
    regions = models.ManyToManyField(
        "geography.Region",
        blank=True,
        related_name="analysts",
        verbose_name=_("regions (analyst)"),
        help_text=_("Leave empty for an analyst who reviews every country."),
    )

    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))],
        default="en",
        help_text=_("The language of the e-mails this person receives."),
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def save(self, *args, **kwargs):
        # The role is the one source of rights: administrators, and only they, use the Django
        # admin, so changing someone's role away from administrator takes those rights away.
        is_administrator = self.role == self.Role.ADMINISTRATOR
        self.is_staff = self.is_superuser = is_administrator
        super().save(*args, **kwargs)

    @property
    def is_focal_point(self) -> bool:
        return self.role == self.Role.FOCAL_POINT

    @property
    def is_analyst(self) -> bool:
        return self.role == self.Role.ANALYST

    @property
    def is_administrator(self) -> bool:
        return self.role == self.Role.ADMINISTRATOR


class PasswordResetRequest(AppendOnlyModel):
    """A password reset that was asked for (whether or not the address belongs to anyone): counted
    per address and per network address to throttle requests on every app server alike."""

    email = models.EmailField(_("e-mail address"), db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, db_index=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")

    def __str__(self) -> str:
        return f"{self.email} {self.requested_at:%Y-%m-%d %H:%M}"
