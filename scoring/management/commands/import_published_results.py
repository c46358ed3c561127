from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring.management.options import user_named
from scoring.services.imports import import_published_results


class Command(BaseCommand):
    help = (
        "Imports the country categories of series SG_CPA_MIGRS from an SDMX-CSV file (1.0 or 2.0) "
        "downloaded from the UN SDG Global Database. Any problem: nothing is imported, every "
        "problem is printed with its line number and the command exits non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the SDMX-CSV file")
        parser.add_argument("--by", help="username of the person importing (recorded)")
        parser.add_argument("--reason", default="", help="why the file is imported (recorded)")
        parser.add_argument(
            "--revise-release",
            action="store_true",
            help="a published round's values change only as a new release: say so, with --reason",
        )

    def handle(self, *args, file, by=None, reason="", **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: cannot be read ({error.strerror})") from error
        user = user_named(by)
        outcome = import_published_results(
            data=data,
            file_name=path.name,
            by=user,
            reason=reason,
            revise_release=options["revise_release"],
        )
        if not outcome.ok:
            for problem in outcome.problems:
                self.stderr.write(f"{path.name}: {problem}")
            raise CommandError(
                f"{len(outcome.problems)} problem(s) in {path.name}: nothing was imported."
            )
        for change in outcome.changes:
            self.stdout.write(
                f"line {change['line']}: {change['ref_area']} {change['year']} "
                f"{change['breakdown']} changed from {change['old']} to {change['new']}"
            )
        self.stdout.write(
            f"{path.name}: {outcome.observations} observation(s) read, "
            f"{outcome.new_values} new, {outcome.changed_values} changed, "
            f"{outcome.unchanged_values} unchanged; "
            f"{outcome.skipped_other_series} row(s) of other series skipped."
        )
        if outcome.result_import is None:
            self.stdout.write("Nothing changed: no import recorded.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Recorded as import #{outcome.result_import.pk}.")
            )
