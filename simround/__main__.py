"""`make simulate-round`: the 197 countries through a whole round over HTTP, then the end checks.

1. Its own PostgreSQL database (dropped and recreated; the name starts with ``simround``), or with
   ``--fault database`` a private PostgreSQL server started for the run (see ``pgserver.py``):
   migrate, reference data, static files, then ``simround/seed.py``: a fresh round opened through
   the review services, 2-3 focal points per country, analysts per SDG region, an administrator.
2. gunicorn on 127.0.0.1 with the production settings (``loadtest/server.py``); mail goes to a
   mail server on loopback (``smtpsink.py``), or with ``--fault mail`` to a closed port.
3. The story (``scenario.py``), each phase run by at most ``--concurrency`` virtual users.
   ``--fault database`` restarts the private server once, halfway through the drafts: requests
   meanwhile get 503 "try again" and are sent again after a pause.
4. The end checks (``checks.py``) in a subprocess; with ``--fault mail``, the mails left unsent
   are counted, ``send_pending_mail`` is run against the loopback mail server and must send them.
5. Prints throughput, latencies per request, errors, conflicts and 503s; merges them into
   bench-results.json under ``simulate_round.<variant>``. Exits non-zero on any error or finding.

Every request goes to loopback; every loop and wait is bounded in count and time.
"""

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from loadtest.client import require_loopback
from loadtest.htmlform import form_with_field
from loadtest.server import ROOT, environment, recreate_database, start_server, stop_server

from .pgserver import PrivatePostgres
from .scenario import Country, Story
from .smtpsink import SmtpSink
from .traffic import Ledger, Metrics, Retry, StepFailed, VirtualUser

FAULTS = ("mail", "database")


def _arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m simround", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "SIMROUND_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/simround"
        ),
        help="PostgreSQL on loopback; this database (named simround...) is dropped and recreated",
    )
    parser.add_argument("--fault", action="append", choices=FAULTS, default=[])
    parser.add_argument("--concurrency", type=int, default=16, help="virtual users at once")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    parser.add_argument("--phase-seconds", type=float, default=600.0, help="bound of each phase")
    parser.add_argument("--draft-rounds", type=int, default=2, help="turns of concurrent saves")
    parser.add_argument("--countries", type=int, default=0, help="only the first N (0: all)")
    parser.add_argument("--pg-port", type=int, default=55432, help="the private server's port")
    parser.add_argument("--outage-seconds", type=float, default=5.0, help="database down time")
    parser.add_argument("--retry-pause", type=float, default=1.0, help="seconds before a 503 retry")
    parser.add_argument("--retry-within", type=float, default=120.0, help="503 retries, seconds")
    parser.add_argument("--output", default="bench-results.json")
    arguments = parser.parse_args(argv)
    if not 1 <= arguments.concurrency <= 200 or not 1 <= arguments.workers <= 32:
        parser.error("--concurrency is 1..200 and --workers 1..32")
    if not 10 <= arguments.phase_seconds <= 3600 or not 1 <= arguments.draft_rounds <= 5:
        parser.error("--phase-seconds is 10..3600 and --draft-rounds 1..5")
    if not 0 < arguments.outage_seconds <= 60 or not 1 <= arguments.timeout <= 300:
        parser.error("--outage-seconds is up to 60 and --timeout 1..300")
    return arguments


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_name(url: str) -> str:
    parts = urlsplit(url)
    require_loopback(parts.hostname or "")
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"simround[a-z0-9_]*", name):
        raise SystemExit(f"simround: the database name must start with simround, not {name!r}")
    return name


def _manage(env: dict, *arguments: str, capture: bool = False) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=900,
        capture_output=capture,
        text=True,
    )
    return done.stdout or ""


def _prepare(env: dict, people_path: str) -> dict:
    _manage(env, "migrate", "--no-input", "-v", "0")
    _manage(env, "load_reference_data")
    _manage(env, "collectstatic", "--no-input", "-v", "0")
    subprocess.run(
        [sys.executable, "-m", "simround.seed", people_path],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=900,
    )
    with open(people_path, encoding="utf-8") as source:
        return json.load(source)


def _log_in_over_http(user: VirtualUser, password: str) -> None:
    """The login form, as a person uses it (a few people: the others have seeded sessions)."""
    user.browser.cookies.clear()
    page = user.get("login", "/accounts/login/")
    data = form_with_field(page.body, "username").values()
    data.update(username=user.username, password=password)
    user.post("login", "/accounts/login/", data)
    if "sessionid" not in user.browser.cookies:
        raise StepFailed("login", f"{user.username}: no session after the login form")


def _story(data: dict, arguments, port: int, metrics: Metrics, ledger: Ledger) -> Story:
    retry = Retry(pause=arguments.retry_pause, within=arguments.retry_within)

    def user(person):
        return VirtualUser(
            person, port=port, timeout=arguments.timeout, metrics=metrics, retry=retry
        )

    focal, analysts, admin = {}, {}, None
    for person in data["people"]:
        if person["role"] == "focal_point":
            focal.setdefault(person["iso3"], []).append(user(person))
        elif person["role"] == "analyst":
            for iso3 in person["countries"]:
                analysts.setdefault(iso3, []).append(user(person))
        else:
            admin = user(person)
    iso3s = data["countries"][: arguments.countries or None]
    countries = [
        Country(iso3, index, focal[iso3], analysts[iso3]) for index, iso3 in enumerate(iso3s)
    ]
    return Story(
        round_code=data["round"],
        countries=countries,
        administrator=admin,
        metrics=metrics,
        ledger=ledger,
        concurrency=arguments.concurrency,
        phase_seconds=arguments.phase_seconds,
        draft_rounds=arguments.draft_rounds,
    )


def _print(figures: dict) -> None:
    print(
        f"\n{figures['requests']} requests in {figures['seconds']} s = "
        f"{figures['requests_per_s']} per s; errors {figures['errors']}; conflicts "
        f"{figures['conflicts']} (resolved by saving again: {figures['conflicts_resolved']}); "
        f"503 try again {figures['unavailable_503']}"
    )
    print(
        f"  {'request':<26}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'503':>6}{'err':>5}"
    )
    for kind, row in figures["requests_by_kind"].items():
        print(
            f"  {kind:<26}{row['count']:>7}{row['p50_ms']:>9}{row['p95_ms']:>9}"
            f"{row['p99_ms']:>9}{row['unavailable_503']:>6}{row['errors']:>5}"
        )
    for kind, count in figures.get("error_kinds", {}).items():
        print(f"  error: {kind} x{count}")
    for example in figures.get("error_examples", []):
        print(f"    e.g. {example}")


def _merge(output: Path, key: str, figures: dict) -> None:
    """Read-modify-write: the bench's and the load test's figures in the same file stay."""
    try:
        results = json.loads(output.read_text(encoding="utf-8"))
        if not isinstance(results, dict):
            results = {}
    except (OSError, ValueError):
        results = {}
    results[key] = figures
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def _variant(faults: list[str]) -> str:
    return "faults_" + "_".join(sorted(set(faults))) if faults else "no_faults"


def _checks(env: dict, ledger: Ledger, round_code: str, workdir: str) -> dict:
    ledger_path = os.path.join(workdir, "ledger.json")
    out_path = os.path.join(workdir, "findings.json")
    with open(ledger_path, "w", encoding="utf-8") as out:
        json.dump({"round": round_code, **ledger.as_dict()}, out)
    subprocess.run(
        [sys.executable, "-m", "simround.checks", ledger_path, out_path],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=900,
    )
    with open(out_path, encoding="utf-8") as source:
        return json.load(source)


def _resend(env: dict, sink: SmtpSink) -> dict:
    """``send_pending_mail`` against the loopback mail server; the mails still unsent after."""
    resend_env = env | {"EMAIL_URL": f"smtp://127.0.0.1:{sink.port}"}
    before = sink.received
    said = _manage(resend_env, "send_pending_mail", capture=True).strip().splitlines()
    code = (
        "from review.models import OutgoingMail;"
        "print(OutgoingMail.objects.filter(sent_at=None).count())"
    )
    left = _manage(resend_env, "shell", "-c", code, capture=True).strip().splitlines()[-1]
    return {
        "command_said": said[:1],
        "received_by_mail_server": sink.received - before,
        "unsent_after_resend": int(left),
    }


def main(argv=None) -> int:
    arguments = _arguments(argv)
    faults = sorted(set(arguments.fault))
    password = secrets.token_urlsafe(16)
    private = None
    started = time.monotonic()
    if "database" in faults:
        private = PrivatePostgres(arguments.pg_port)
        private.start()
        database_url = private.url
        print(f"Private PostgreSQL on 127.0.0.1:{arguments.pg_port} ({private.root})")
    else:
        database_url = arguments.database_url
    try:
        return _run(arguments, faults, password, database_url, private, started)
    finally:
        if private is not None:
            private.stop()


def _run(arguments, faults, password, database_url, private, started) -> int:
    name = _database_name(database_url)
    print(f"Simulation database: {name} (recreated); faults: {', '.join(faults) or 'none'}")
    recreate_database(database_url)
    with SmtpSink() as sink, tempfile.TemporaryDirectory(prefix="simround-") as workdir:
        env = environment(database_url, password) | {
            "SIMROUND_PASSWORD": password,
            "EMAIL_TIMEOUT": "5",
            "SITE_URL": "http://127.0.0.1",
        }
        refused_port = _closed_port()
        env["EMAIL_URL"] = (
            f"smtp://127.0.0.1:{refused_port}"
            if "mail" in faults
            else f"smtp://127.0.0.1:{sink.port}"
        )
        data = _prepare(env, os.path.join(workdir, "people.json"))
        metrics, ledger = Metrics(), Ledger()
        outage, aborted = {}, ""
        log_path = os.path.join(workdir, "gunicorn.log")
        with open(log_path, "w+", encoding="utf-8") as log:
            server, port = start_server(env, workers=arguments.workers, log=log)
            restarter = None
            try:
                print(f"gunicorn on 127.0.0.1:{port}, {arguments.workers} workers")
                story = _story(data, arguments, port, metrics, ledger)
                for user in (story.administrator, story.countries[0].focal_points[0],
                             story.countries[0].analysts[0]):  # fmt: skip
                    _log_in_over_http(user, password)
                if private is not None:
                    restarter = _restart_halfway(private, story, arguments.outage_seconds, outage)
                phase_start = time.monotonic()
                try:
                    story.run()
                except SystemExit as stop:  # a route the story needs is missing
                    aborted = str(stop)
                run_seconds = time.monotonic() - phase_start
            finally:
                if restarter is not None:
                    restarter.join(timeout=180)
                stop_server(server)
            log.seek(0)
            server_log = log.read().strip()
        figures = metrics.figures(run_seconds)
        figures["phases"] = story.phases
        if aborted:
            _print(figures)
            _merge(Path(arguments.output), f"simulate_round.{_variant(faults)}",
                   figures | {"aborted": aborted})  # fmt: skip
            print(f"\n{aborted}")
            return 1
        print("\nChecking the database…")
        findings = _checks(env, ledger, data["round"], workdir)
        mail = {"written": findings["mail"]["written"], "unsent_at_end": findings["mail"]["unsent"]}
        if "mail" in faults:
            mail |= _resend(env, sink)
        else:
            mail["received_by_mail_server"] = sink.received
    problems = {k: v for k, v in findings.items() if isinstance(v, list) and v}
    if "mail" in faults:
        if not mail["unsent_at_end"]:
            problems["mail"] = ["the mail server refused every connection, yet no mail is unsent"]
        elif mail["unsent_after_resend"] or mail["received_by_mail_server"] < mail["unsent_at_end"]:
            problems["mail"] = [f"send_pending_mail did not send them all: {mail}"]
    elif mail["unsent_at_end"]:
        problems["mail"] = [f"{mail['unsent_at_end']} mails unsent with a working mail server"]
    if "database" in faults and not figures["unavailable_503"]:
        problems["database"] = ["the database was restarted but no request was answered 503"]
    log_counts, others = _server_log(server_log, faults)
    figures |= {
        "server_log": log_counts | {"other_records": len(others)},
        "faults": faults,
        "countries": len(story.countries),
        "people": len(data["people"]),
        "concurrency": arguments.concurrency,
        "workers": arguments.workers,
        "server": "gunicorn, DEBUG off, 127.0.0.1",
        "database": "postgresql (private server, restarted once)" if private else "postgresql",
        "mail": mail,
        "outage": outage,
        "ledger": {
            "values_saved": findings["values_checked"],
            "state_changes": findings["transitions_checked"],
            "queries": dict(ledger.queries),
        },
        "checks": {k: len(v) for k, v in findings.items() if isinstance(v, list)},
        "total_seconds": round(time.monotonic() - started, 1),
    }
    _print(figures)
    print(
        f"\nValues saved and checked: {findings['values_checked']}; state changes checked: "
        f"{findings['transitions_checked']}; queries: {dict(ledger.queries)}"
    )
    print(f"Mail: {mail}")
    print(f"Server log: {figures['server_log']}")
    if outage:
        print(f"Database restart: {outage}")
    for check, found in sorted(problems.items()):
        print(f"\nCheck failed: {check} ({len(found)})")
        for line in found[:15]:
            print(f"  {line}")
    if not problems:
        print("End checks: nothing lost, every state change recorded once, release = engine.")
    if others:
        print(f"\ngunicorn said ({len(others)} other records):\n" + "\n".join(others)[-4000:])
    key = f"simulate_round.{_variant(faults)}"
    _merge(Path(arguments.output), key, figures | {"problems": problems})
    print(f"\nWrote {key} to {arguments.output} (whole run {figures['total_seconds']} s)")
    failed = figures["errors"] or problems
    if failed:
        print(f"simround: {figures['errors']} errors, {len(problems)} failed checks")
        return 1
    return 0


EXPECTED_LOG_LINES = {
    "409 conflict answers": re.compile(r"^Conflict: \S+/questionnaire/save/$"),
    "503 try-again answers": re.compile(r"^Service Unavailable: \S+$"),
    "mails not sent (refused)": re.compile(r"^E-mail \d+ to \S+ not sent \(attempt \d+\): "),
}
EXCEPTION_LINE = re.compile(r"^[\w.]+(Error|Exception|Exit|Interrupt)\b")
DATABASE_ERROR = re.compile(r"^django\.db\.utils\.(OperationalError|InterfaceError): ", re.M)


def _starts_record(line: str) -> bool:
    """A line of its own, not the inside or the end of a traceback."""
    if not line or line[0] in " \t" or EXCEPTION_LINE.match(line):
        return False
    return not line.startswith(("Traceback", "During handling", "The above exception"))


def _server_log(log: str, faults: list[str]) -> tuple[dict, list[str]]:
    """The server's log records counted by what the run expects, and the others. A record is a
    line and its traceback; during a database outage, a middleware's database error logged as a
    server error is expected too (the outermost middleware answers 503 in its place)."""
    records: list[list[str]] = []
    for line in log.splitlines()[:2_000_000]:
        if not records or _starts_record(line):
            records.append([line])
        else:
            records[-1].append(line)
    counts = dict.fromkeys(EXPECTED_LOG_LINES, 0)
    counts["database errors during the outage (answered 503)"] = 0
    others = []
    for record in records:
        head, text = record[0], "\n".join(record)
        for name, pattern in EXPECTED_LOG_LINES.items():
            if pattern.search(head) and ("mail" in faults or not name.startswith("mails")):
                counts[name] += 1
                break
        else:
            if (
                "database" in faults
                and head.startswith("Internal Server Error: ")
                and (DATABASE_ERROR.search(text))
            ):
                counts["database errors during the outage (answered 503)"] += 1
            elif text.strip():
                others.append(text)
    return counts, others


def _restart_halfway(private, story: Story, down: float, outage: dict) -> threading.Thread:
    def restart():
        if not story.half_drafts_done.wait(timeout=story.phase_seconds):
            return
        began, ended = private.restart(down_seconds=down)
        outage.update(down_seconds=round(ended - began, 2), during="a_drafts (halfway)")
        print(f"  database restarted: down {ended - began:.1f} s")

    thread = threading.Thread(target=restart, daemon=True)
    thread.start()
    return thread


if __name__ == "__main__":
    sys.exit(main())
