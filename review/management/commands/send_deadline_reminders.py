from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from review.notifications import deadline_reminders


class Command(BaseCommand):
    help = _(
        "E-mails the focal points of every country that has not submitted an open round's "
        "answers when its closing date is at most --days days away. Meant for a daily cron: "
        "nobody is sent the same reminder twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=14,
            help=_("how many days before the closing date to remind (default 14)"),
        )

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError(_("--days is a number of days: 0 or more."))
        done = deadline_reminders(days=days)
        self.stdout.write(
            ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", len(done.reminders))
            % {"count": len(done.reminders)}
        )
        for reminder in done.reminders:
            self.stdout.write(
                _("  %(round)s, %(country)s: %(user)s (closes on %(date)s)")
                % {
                    "round": reminder.round,
                    "country": reminder.country,
                    "user": reminder.user.get_username(),
                    "date": reminder.closes_on.isoformat(),
                }
            )
        unsent = [mail for mail in done.mails if not _refreshed(mail).is_sent]
        if unsent:
            self.stdout.write(
                ngettext(
                    "%(count)d of them could not be e-mailed yet; "
                    "`manage.py send_pending_mail` sends it:",
                    "%(count)d of them could not be e-mailed yet; "
                    "`manage.py send_pending_mail` sends them:",
                    len(unsent),
                )
                % {"count": len(unsent)}
            )
            for mail in unsent:
                self.stdout.write(
                    _("  #%(id)d to %(to)s: %(error)s")
                    % {"id": mail.pk, "to": mail.to_address, "error": mail.last_error}
                )


def _refreshed(mail):
    mail.refresh_from_db(fields=["sent_at", "last_error", "attempts"])
    return mail
