from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from review.models import OutgoingMail
from review.notifications import deliver


class Command(BaseCommand):
    help = _(
        "Sends the e-mails that are still waiting (the mail server refused them or was down). "
        "Safe to run at any time, e.g. every few minutes from cron; exits 0 and lists the mails "
        "it still could not send."
    )

    def handle(self, *args, **options):
        delivery = deliver(OutgoingMail.objects.all())
        self.stdout.write(
            ngettext("%(count)d e-mail sent.", "%(count)d e-mails sent.", delivery.sent)
            % {"count": delivery.sent}
        )
        if not delivery.failed:
            return
        self.stdout.write(
            ngettext(
                "%(count)d e-mail still not sent:",
                "%(count)d e-mails still not sent:",
                len(delivery.failed),
            )
            % {"count": len(delivery.failed)}
        )
        for mail in delivery.failed:
            self.stdout.write(
                _("  #%(id)d to %(to)s, “%(subject)s” (%(attempts)d attempts): %(error)s")
                % {
                    "id": mail.pk,
                    "to": mail.to_address,
                    "subject": mail.subject,
                    "attempts": mail.attempts,
                    "error": mail.last_error,
                }
            )
