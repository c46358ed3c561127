"""Queries: an analyst's question on one item (or the whole submission) and the conversation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel.append_only import AppendOnlyModel
from questionnaire.models import Item, Submission, SubmissionVersion


class Query(models.Model):
    """A question raised on a submitted version. Its state (open or closed) is the one thing that
    changes; every change of it is a message, and messages are never changed."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="queries", verbose_name=_("submission")
    )
    version = models.ForeignKey(
        SubmissionVersion,
        on_delete=models.PROTECT,
        related_name="queries",
        verbose_name=_("raised on version"),
    )
    # Empty for a query on the whole submission.
    item = models.ForeignKey(
        Item,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("item"),
    )
    # The consistency check this query came from, if any (e.g. "no_evidence:1a").
    flag = models.CharField(_("consistency check"), max_length=60, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("raised by"),
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    class Meta:
        ordering = ["submission", "raised_at", "pk"]
        verbose_name = _("query")
        verbose_name_plural = _("queries")

    def __str__(self) -> str:
        target = self.item.code if self.item_id else _("whole submission")
        return f"{self.submission} — {target}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class QueryMessage(AppendOnlyModel):
    class Kind(models.TextChoices):
        RAISED = "raised", _("Raised")
        REPLY = "reply", _("Reply")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")

    query = models.ForeignKey(
        Query, on_delete=models.PROTECT, related_name="messages", verbose_name=_("query")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("message"), max_length=5000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["query", "at", "pk"]
        verbose_name = _("query message")
        verbose_name_plural = _("query messages")

    def __str__(self) -> str:
        return f"{self.query_id} {self.get_kind_display()}"
