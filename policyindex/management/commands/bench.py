import importlib
import json
import sys
from pathlib import Path

from django.apps import apps
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import setup_test_environment, teardown_test_environment

from fixtures.geography import load_countries
from fixtures.rounds import load_demo_rounds, load_rounds


class Command(BaseCommand):
    help = (
        "Runs every app's benchmark measures in a fresh test database, prints a table and writes "
        "the figures as JSON; exits non-zero when a measure misses its target."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default="bench-results.json")

    def handle(self, *args, output, **options):
        creation = connection.creation
        self.stdout.write(f"Benchmark database: {connection.vendor}")
        # As in production and in the test suite: DEBUG off (no query log), mail kept in memory.
        setup_test_environment(debug=False)
        old_name = creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            load_countries()
            load_rounds()
            load_demo_rounds()
            results = []
            for app in apps.get_app_configs():
                try:
                    module = importlib.import_module(f"{app.name}.bench")
                except ModuleNotFoundError as error:
                    if error.name != f"{app.name}.bench":
                        raise
                    continue
                # Each measure sees the reference data as loaded: what it writes is rolled back
                # (and the cache emptied) before the next one, so no order matters.
                for measure in module.MEASURES:
                    with transaction.atomic():
                        results.extend(measure())
                        transaction.set_rollback(True)
                    cache.clear()
        finally:
            creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()

        width = max((len(r.name) for r in results), default=10)
        self.stdout.write(
            f"{'measure':<{width}}  ratio  target  queries  measured_ms  baseline_ms  baseline"
        )
        for r in results:
            mark = "" if r.passed else "  MISSED (" + "; ".join(r.problems) + ")"
            self.stdout.write(
                f"{r.name:<{width}}  {r.ratio:5.2f}  {r.target:6.1f}  {r.queries:7d}  "
                f"{_ms(r.measured_ms):>11}  {_ms(r.baseline_ms):>11}  {r.baseline}{mark}"
            )
        path = Path(output)
        payload = _kept_load_test_figures(path)
        payload.update({r.name: r.as_dict() | {"database": connection.vendor} for r in results})
        path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(f"Wrote {output}")
        if not all(r.passed for r in results):
            sys.exit(1)


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _kept_load_test_figures(path: Path) -> dict:
    """`make loadtest` and `make simulate-round` write their figures to the same file: a bench run
    keeps them."""
    try:
        previous = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(previous, dict):
        return {}
    return {
        key: value
        for key, value in previous.items()
        if key.startswith(("loadtest.", "simulate_round."))
    }
