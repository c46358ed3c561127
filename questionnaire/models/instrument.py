"""The questionnaire as versioned data: a version, its domains, items and response options.

The English texts are the official wording and are kept byte for byte; ``*_fr`` and ``*_es`` hold
unofficial translations. Once a round uses a version, its official wording and codes are frozen:
a change of wording is a new version.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.translation import translated


class VersionInUseError(ValidationError):
    pass


class FrozenWhenInUse(models.Model):
    """Refuses to change official fields (or delete) once the questionnaire version is in use."""

    official_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            self._refuse_if_in_use(_("extended"))
        elif self.changed_official_fields():
            self._refuse_if_in_use(_("edited"))
            # Moving a part to another version changes the version it leaves, too.
            type(self).objects.get(pk=self.pk)._refuse_if_in_use(_("edited"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_in_use(_("deleted"))
        return super().delete(*args, **kwargs)

    def questionnaire_version(self) -> "QuestionnaireVersion":
        raise NotImplementedError

    def _refuse_if_in_use(self, action: str) -> None:
        version = self.questionnaire_version()
        if version.pk and version.is_in_use():
            raise VersionInUseError(
                _("%(version)s is used by a round and cannot be %(action)s; create a new version.")
                % {"version": version, "action": action}
            )

    def changed_official_fields(self) -> list[str]:
        if self._state.adding or not self.pk:
            return []
        stored = type(self).objects.filter(pk=self.pk).values(*self.official_fields).first()
        if stored is None:
            return []
        return [f for f in self.official_fields if stored[f] != getattr(self, f)]


class QuestionnaireVersion(FrozenWhenInUse):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    indicator = models.CharField(_("indicator"), max_length=20, default="10.7.2")
    source = models.TextField(_("source"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    official_fields = ("code", "name", "indicator", "source")

    class Meta:
        ordering = ["code"]
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")

    def __str__(self) -> str:
        return self.name

    def questionnaire_version(self) -> "QuestionnaireVersion":
        return self

    def is_in_use(self) -> bool:
        return self.pk is not None and self.rounds.exists()


class ResponseSet(FrozenWhenInUse):
    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.CASCADE,
        related_name="response_sets",
        verbose_name=_("questionnaire version"),
    )
    code = models.CharField(_("code"), max_length=10)

    official_fields = ("code", "version_id")

    class Meta:
        ordering = ["version", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_response_set_code")
        ]
        verbose_name = _("response set")
        verbose_name_plural = _("response sets")

    def __str__(self) -> str:
        return f"{self.version.code} {self.code}"

    def questionnaire_version(self) -> QuestionnaireVersion:
        return self.version


class ResponseOption(FrozenWhenInUse):
    response_set = models.ForeignKey(
        ResponseSet,
        on_delete=models.CASCADE,
        related_name="options",
        verbose_name=_("response set"),
    )
    code = models.CharField(_("code"), max_length=20)
    label = models.CharField(_("label (official English)"), max_length=200)
    label_fr = models.CharField(_("label (French)"), max_length=200, blank=True)
    label_es = models.CharField(_("label (Spanish)"), max_length=200, blank=True)
    value = models.DecimalField(_("numeric code"), max_digits=3, decimal_places=1)
    order = models.PositiveSmallIntegerField(_("order"))

    official_fields = ("code", "label", "value", "order", "response_set_id")

    class Meta:
        ordering = ["response_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["response_set", "code"], name="unique_option_code")
        ]
        verbose_name = _("response option")
        verbose_name_plural = _("response options")

    def __str__(self) -> str:
        return f"{self.label} ({self.value})"

    def questionnaire_version(self) -> QuestionnaireVersion:
        return self.response_set.version

    @property
    def display_label(self) -> str:
        return translated(self, "label")


class Domain(FrozenWhenInUse):
    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.CASCADE,
        related_name="domains",
        verbose_name=_("questionnaire version"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    sdmx_code = models.CharField(_("SDMX code"), max_length=10)
    name = models.CharField(_("name (official English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    proxy = models.TextField(_("proxy measure (official English)"))
    proxy_fr = models.TextField(_("proxy measure (French)"), blank=True)
    proxy_es = models.TextField(_("proxy measure (Spanish)"), blank=True)
    question = models.TextField(_("question (official English)"))
    question_fr = models.TextField(_("question (French)"), blank=True)
    question_es = models.TextField(_("question (Spanish)"), blank=True)

    official_fields = ("number", "sdmx_code", "name", "proxy", "question", "version_id")

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="unique_domain_number")
        ]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def questionnaire_version(self) -> QuestionnaireVersion:
        return self.version

    @property
    def display_name(self) -> str:
        return translated(self, "name")

    @property
    def display_question(self) -> str:
        return translated(self, "question")

    @property
    def display_proxy(self) -> str:
        return translated(self, "proxy")


class Item(FrozenWhenInUse):
    """One sub-category of a domain (``1a`` .. ``6e``): the unit a government answers."""

    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("questionnaire version"),
    )
    domain = models.ForeignKey(
        Domain, on_delete=models.CASCADE, related_name="items", verbose_name=_("domain")
    )
    code = models.CharField(_("code"), max_length=10)
    text = models.TextField(_("text (official English)"))
    text_fr = models.TextField(_("text (French)"), blank=True)
    text_es = models.TextField(_("text (Spanish)"), blank=True)
    response_set = models.ForeignKey(
        ResponseSet, on_delete=models.PROTECT, related_name="items", verbose_name=_("response set")
    )
    order = models.PositiveSmallIntegerField(_("order"))

    official_fields = ("code", "text", "response_set_id", "order", "domain_id", "version_id")

    class Meta:
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_item_code")]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    def questionnaire_version(self) -> QuestionnaireVersion:
        return self.version

    @property
    def display_text(self) -> str:
        return translated(self, "text")
