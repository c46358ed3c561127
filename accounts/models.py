"""People who use policyindex, their role and what they are assigned to."""

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.append_only import AppendOnlyModel

# The languages of e-mails, named in the page's language (Django's own catalogues translate these
# names); settings.LANGUAGES names each in itself, for the language selector.
LANGUAGE_CHOICES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]


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
        choices=LANGUAGE_CHOICES,
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


class UserChange(AppendOnlyModel):
    """One change of someone's role, assignments, activation or language, or an invitation sent
    to them: who made it and when, with the value before and after, as text."""

    class Field(models.TextChoices):
        ROLE = "role", _("role")
        COUNTRIES = "countries", _("countries")
        REGIONS = "regions", _("regions")
        IS_ACTIVE = "is_active", _("active")
        INVITED = "invited", _("invitation")
        PREFERRED_LANGUAGE = "preferred_language", _("preferred language")

    user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="changes",
        verbose_name=_("person"),
    )
    changed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
        help_text=_("Empty when the system made the change."),
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)
    field = models.CharField(_("what changed"), max_length=20, choices=Field.choices)
    old_value = models.TextField(_("before"), blank=True)
    new_value = models.TextField(_("after"), blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("change of a person")
        verbose_name_plural = _("changes of people")

    def __str__(self) -> str:
        return f"{self.user} {self.field} {self.changed_at:%Y-%m-%d %H:%M}"
