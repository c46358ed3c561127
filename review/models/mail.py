"""E-mail: the outbox of mails to send, and the record of deadline reminders already sent.

``OutgoingMail`` is a queue, not a record of the past: a mail is written in the transaction of the
action it tells about and sent once that transaction commits; ``sent_at``, ``attempts`` and
``last_error`` change as it is sent, so a failing mail server leaves it waiting for
``send_pending_mail``. ``Reminder`` is append-only: one row per reminder a person was sent, so a
daily run never sends the same reminder twice.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import LANGUAGE_CHOICES
from geography.models import Country
from kernel.append_only import AppendOnlyModel
from questionnaire.models import Round


class OutgoingMail(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Answers submitted for review")
        RETURNED = "returned", _("Answers returned to the country")
        VALIDATED = "validated", _("Answers validated")
        REOPENED = "reopened", _("Validated answers reopened")
        QUERY_RAISED = "query_raised", _("New query")
        QUERY_MESSAGE = "query_message", _("New message on a query")
        QUERY_REPLIED = "query_replied", _("Reply from the country")
        PUBLISHED = "published", _("Round published")
        DEADLINE_REMINDER = "deadline_reminder", _("Deadline reminder")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    to_address = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="outgoingmail_pending")]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self) -> str:
        return f"{self.to_address}: {self.subject}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


class Reminder(AppendOnlyModel):
    """A reminder of a round's closing date sent to one focal point of a country.

    ``days_before`` is the warning period the reminder was sent for (``--days``) and ``closes_on``
    the closing date it announced: the same reminder is never sent twice, but a later deadline
    (an extension) or another warning period is a new reminder."""

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="+", verbose_name=_("round")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("focal point"),
    )
    days_before = models.PositiveSmallIntegerField(_("days before the closing date"))
    closes_on = models.DateField(_("closing date announced"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["round", "country", "sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "country", "user", "days_before", "closes_on"],
                name="one_reminder_per_person_and_deadline",
            )
        ]
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")

    def __str__(self) -> str:
        return f"{self.round} — {self.country}: {self.user} ({self.closes_on})"
