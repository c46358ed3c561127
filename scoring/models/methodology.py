"""The official methodologies that produced score records, stored as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.append_only import AppendOnlyModel


class MethodologyVersion(AppendOnlyModel):
    """The rules of one official methodology version (``engine.METHODOLOGY_VERSION``), as data:
    the option values per domain, the imputation, the weights, the thresholds and the aggregate
    rule (``engine.methodology_as_data``). Written with the first score record computed under it;
    score records name it by ``methodology_version``. Never updated or deleted."""

    version = models.CharField(_("methodology version"), max_length=40, unique=True)
    rules = models.JSONField(_("rules"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("methodology version")
        verbose_name_plural = _("methodology versions")

    def __str__(self) -> str:
        return self.version
