from django.core.management.base import BaseCommand, CommandError

from questionnaire.models import Round
from scoring.management.options import user_named
from scoring.services.releases import ReleaseFrozen
from scoring.services.scores import recompute_scores


class Command(BaseCommand):
    help = (
        "Scores every validated submission of a round again (after a methodology fix): a new "
        "score record is written beside the old one wherever the rules or answers differ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", required=True, help="the round's code")
        parser.add_argument("--reason", required=True, help="why (recorded with every new record)")
        parser.add_argument("--by", help="username of the person recomputing (recorded)")
        parser.add_argument(
            "--revise-release",
            action="store_true",
            help="a published round's figures change only as a new release: say so explicitly",
        )

    def handle(self, *args, round, reason, by=None, **options):
        try:
            round_ = Round.objects.get(code=round)
        except Round.DoesNotExist:
            raise CommandError(f"No round has the code {round!r}.") from None
        user = user_named(by)
        try:
            outcomes = recompute_scores(
                round=round_, by=user, reason=reason, revise_release=options["revise_release"]
            )
        except (ValueError, ReleaseFrozen) as error:
            raise CommandError(str(error)) from error
        written = sum(o.created for o in outcomes)
        self.stdout.write(
            f"{round_.name}: {len(outcomes)} validated submission(s), {written} new score "
            f"record(s), {len(outcomes) - written} unchanged."
        )
