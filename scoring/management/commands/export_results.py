from django.core.management.base import BaseCommand, CommandError

from questionnaire.models import Round
from scoring import sdmx
from scoring.exports import write_round_sdmx


class Command(BaseCommand):
    help = (
        "Writes a round's results as SDMX-CSV 1.0 (IAEG-SDGs SDG structure): the country "
        "categories (SG_CPA_MIGRS, the round's own respondents) or the regional and global share "
        "of countries meeting or fully meeting (SG_CPA_MIGRP, with carried-forward rounds)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--series", required=True, choices=[sdmx.MIGRS, sdmx.MIGRP])
        parser.add_argument("--year", required=True, type=int, help="the round's reference year")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, series, year, output=None, **options):
        try:
            round_ = Round.objects.get(reference_year=year)
        except Round.DoesNotExist:
            raise CommandError(f"No round has the reference year {year}.") from None
        if output:
            try:
                with open(output, "w", encoding="utf-8", newline="") as out:
                    count = write_round_sdmx(round=round_, out=out, series=(series,))
            except OSError as error:
                reason = error.strerror or str(error)
                raise CommandError(f"Cannot write {output}: {reason}.") from None
            self.stderr.write(f"Wrote {count} observation(s) of {series} for {year} to {output}.")
        else:
            write_round_sdmx(round=round_, out=self.stdout, series=(series,))
