from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring.management.options import user_named
from scoring.services.imports import import_published_results


class Command(BaseCommand):
    help = (
        "Imports the country categories of series SG_CPA_MIGRS from a file the UN hands out: "
        "SDMX-CSV 1.0 or 2.0 (data.un.org), the SDG Global Database / SDG API CSV or the SDG API "
        "JSON. Rows of regions and territories, and rows without a value, are skipped and "
        "counted. Any problem: nothing is imported, every problem is printed with its line number "
        "and the command exits non-zero. --dry-run shows what would change and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the file (SDMX-CSV, SDG API CSV or SDG API JSON)")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change; write nothing"
        )
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
            dry_run=options["dry_run"],
        )
        if not outcome.ok:
            for problem in outcome.problems:
                self.stderr.write(f"{path.name}: {problem}")
            raise CommandError(
                f"{len(outcome.problems)} problem(s) in {path.name}: nothing was imported."
            )
        verb = "would change" if outcome.dry_run else "changed"
        for change in outcome.changes:
            self.stdout.write(
                f"line {change['line']}: {change['ref_area']} {change['year']} "
                f"{change['breakdown']} {verb} from {change['old']} to {change['new']}"
            )
        self.stdout.write(
            f"{path.name} ({outcome.layout_name}): {outcome.observations} observation(s) read, "
            f"{outcome.new_values} new, {outcome.changed_values} changed, "
            f"{outcome.unchanged_values} unchanged; "
            f"{outcome.skipped_other_series} row(s) of other series skipped."
        )
        if outcome.warning:
            self.stderr.write(self.style.WARNING(f"{path.name}: {outcome.warning}"))
        if outcome.dry_run:
            self.stdout.write("Dry run: nothing was written.")
        elif outcome.result_import is None:
            self.stdout.write("Nothing changed: no import recorded.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Recorded as import #{outcome.result_import.pk}.")
            )
