"""`make loadtest`: the save cycle of many focal points at once, against gunicorn on loopback.

1. Drops and recreates its own PostgreSQL database, migrates, loads the reference data, collects
   the static files, and creates a focal point for each of the 197 countries (with the previous
   round's validated answers: see ``loadtest/seed.py``).
2. Starts gunicorn on 127.0.0.1 (a free port, 4 workers) with the production settings: DEBUG off,
   a generated SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, no HTTPS redirect (plain HTTP on loopback;
   the client keeps the secure cookies itself, so the cookie settings stay as in production).
3. Logs the 197 focal points in, each with its own session.
4. For a bounded time at each concurrency (10, then 50 virtual users), each virtual user repeats
   the save cycle with its own focal points: GET the page, POST a draft save of all 30 answers
   with evidence (every field changed every time), follow the redirect to the page.
5. Prints per phase the cycles per second, p50/p95/p99 of the cycle and of each request and the
   errors; merges them into bench-results.json under ``loadtest.*``; stops gunicorn. Exits
   non-zero on any error (a non-2xx/3xx answer, a timeout, a save refused as a conflict).

Every request goes to loopback; every loop is bounded in count and in time.
"""

import argparse
import json
import os
import re
import secrets
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from .cycle import REQUEST_BOUND, Phase, SaveTarget, cycle, log_in_all, run_phase
from .server import environment, prepare, recreate_database, start_server, stop_server


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/loadtest"
        ),
        help="PostgreSQL on loopback; this database is dropped and recreated",
    )
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per concurrency")
    parser.add_argument("--concurrency", default="10,50", help="virtual users, one phase each")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--output", default="bench-results.json")
    return parser.parse_args()


# --- the report ---------------------------------------------------------------------------------


def _print(phase: Phase) -> None:
    f = phase.figures()
    print(
        f"\n{phase.name}: concurrency {f['concurrency']}, {phase.cycles} {phase.cycle_name} in "
        f"{f['seconds']} s = {f[phase.cycle_name + '_per_s']} per s; errors {f['errors']} "
        f"(conflicts {f['conflicts']})"
    )
    print(f"  {'ms':<14}{'p50':>9}{'p95':>9}{'p99':>9}")
    for name, samples in phase.times.items():
        if not samples:
            continue
        ms = f[f"{name}_ms"]
        print(f"  {name:<14}{ms['p50']:>9}{ms['p95']:>9}{ms['p99']:>9}")
    for kind, count in phase.errors.items():
        print(f"  error: {kind} x{count}")
    for example in phase.examples:
        print(f"    e.g. {example}")


def _merge(output: Path, phases: list[Phase], settings: dict) -> None:
    """Read-modify-write: the bench's figures in the same file stay."""
    try:
        results = json.loads(output.read_text(encoding="utf-8"))
        if not isinstance(results, dict):
            results = {}
    except (OSError, ValueError):
        results = {}
    for phase in phases:
        results[f"loadtest.{phase.name}"] = phase.figures() | settings
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def main() -> int:
    arguments = _arguments()
    concurrencies = [int(c) for c in arguments.concurrency.split(",") if c.strip()]
    if arguments.duration <= 0 or arguments.duration > 600 or not concurrencies:
        raise SystemExit("loadtest: --duration is 1..600 s and --concurrency lists numbers")
    if not 1 <= arguments.timeout <= REQUEST_BOUND:
        raise SystemExit(f"loadtest: --timeout is 1..{REQUEST_BOUND:g} s")
    password = secrets.token_urlsafe(16)
    env = environment(arguments.database_url, password)
    print(f"Load test database: {urlsplit(arguments.database_url).path.lstrip('/')} (recreated)")
    recreate_database(arguments.database_url)
    iso3s = prepare(env)
    with tempfile.NamedTemporaryFile("w+", prefix="loadtest-gunicorn-", suffix=".log") as log:
        server, port = start_server(env, workers=arguments.workers, log=log)
        phases: list[Phase] = []
        try:
            print(f"gunicorn on 127.0.0.1:{port}, {arguments.workers} workers; logging in")
            login = Phase("login", 8, times={"login": []}, cycle_name="logins")
            focal_points = log_in_all(port, password, iso3s, login, timeout=arguments.timeout)
            phases.append(login)
            _print(login)
            # One cycle first, alone: it finds where the save goes (see SaveTarget).
            probe = Phase("probe", 1)
            cycle(focal_points[0], probe)
            if probe.error_count:
                _print(probe)
                raise SystemExit("loadtest: the first save cycle failed")
            for concurrency in concurrencies:
                phase = Phase(f"c{concurrency}", concurrency)
                run_phase(phase, focal_points, seconds=arguments.duration)
                phases.append(phase)
                _print(phase)
        finally:
            stop_server(server)
            log.seek(0)
            server_log = log.read().strip()
        if SaveTarget.saves_to_page:  # the probe's 404, expected before the rewrite
            server_log = re.sub(
                r"^Not Found: \S+/questionnaire/save/\n?", "", server_log, count=1, flags=re.M
            )
        if server_log.strip():
            print("\ngunicorn said:\n" + server_log.strip()[-4000:])
    settings = {
        "workers": arguments.workers,
        "server": "gunicorn, DEBUG off, 127.0.0.1",
        "database": "postgresql",
        "focal_points": len(focal_points),
    }
    _merge(Path(arguments.output), phases, settings)
    print(f"\nWrote loadtest.* to {arguments.output}")
    failed = sum(phase.error_count for phase in phases)
    if failed:
        print(f"loadtest: {failed} errors")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
