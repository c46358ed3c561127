import datetime

from django.core.management.base import BaseCommand

from questionnaire.services.orphaned_files import (
    delete_orphaned_evidence_files,
    orphaned_evidence_files,
)


class Command(BaseCommand):
    help = (
        "Deletes stored evidence bytes that no attachment names (left by an attachment whose "
        "transaction was rolled back), once older than --hours. Attachments, removals and the "
        "files of submitted versions are never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="minimum age (default 24)")
        parser.add_argument("--dry-run", action="store_true", help="list, delete nothing")

    def handle(self, *, hours, dry_run, **options):
        older_than = datetime.timedelta(hours=max(hours, 1))
        if dry_run:
            found = orphaned_evidence_files(older_than=older_than)
            verb = "would be deleted"
        else:
            found = delete_orphaned_evidence_files(older_than=older_than)
            verb = "deleted"
        for name in found:
            self.stdout.write(name)
        self.stdout.write(f"{len(found)} stored file(s) no attachment names {verb}.")
