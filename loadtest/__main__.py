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
import itertools
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
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .client import Browser, RequestFailed, require_loopback
from .htmlform import form_with_field
from .payload import draft_save

ROOT = Path(__file__).resolve().parent.parent
ROUND = "demo-2025"
MAX_CYCLES_PER_USER = 5000  # per phase: a bound besides the time
REQUEST_BOUND = 120.0  # seconds: no request waits longer (see --timeout)


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


# --- the server ---------------------------------------------------------------------------------


def _recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    require_loopback(parts.hostname or "")
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"loadtest: unusable database name {name!r}")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


def _environment(database_url: str, password: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="policyindex.settings",
        DATABASE_URL=database_url,
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="False",
        LOG_LEVEL="WARNING",
        LOADTEST_PASSWORD=password,
    )
    return env


def _prepare(env: dict[str, str]) -> list[str]:
    """The database ready to serve; returns the ISO3 codes of the countries with a focal point."""
    python = sys.executable
    for command in (
        [python, "manage.py", "migrate", "--no-input", "-v", "0"],
        [python, "manage.py", "load_reference_data"],
        [python, "manage.py", "collectstatic", "--no-input", "-v", "0"],
    ):
        subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=600)
    seeded = subprocess.run(
        [python, "-m", "loadtest.seed"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    print("\n".join(seeded[:-1]))
    return seeded[-1].split()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(env: dict[str, str], *, workers: int, log) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "policyindex.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise SystemExit("loadtest: gunicorn stopped while starting:\n" + log.read()[-4000:])
        try:
            if Browser("127.0.0.1", port, timeout=5).get("/accounts/login/").status == 200:
                return server, port
        except RequestFailed:
            pass
        time.sleep(0.5)
    _stop_server(server)
    raise SystemExit("loadtest: gunicorn did not answer within 60 s")


def _stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


# --- the focal points ---------------------------------------------------------------------------


@dataclass
class FocalPoint:
    iso3: str
    browser: Browser

    @property
    def page(self) -> str:
        return f"/rounds/{ROUND}/countries/{self.iso3}/questionnaire/"


def _log_in(browser: Browser, username: str, password: str) -> None:
    page = browser.get("/accounts/login/")
    if page.status != 200:
        raise RequestFailed(f"login page answered {page.status}")
    data = form_with_field(page.body, "username").values()
    data.update(username=username, password=password)
    reply = browser.post("/accounts/login/", data)
    if reply.status != 302 or "sessionid" not in browser.cookies:
        raise RequestFailed(f"login of {username} answered {reply.status}")


def _log_in_all(
    port: int, password: str, iso3s: list[str], login: "Phase", *, timeout: float
) -> list[FocalPoint]:
    """Each focal point through the login form, a few at a time; ``login`` gets the times."""
    started = time.monotonic()
    focal_points = [FocalPoint(iso3, Browser("127.0.0.1", port, timeout=timeout)) for iso3 in iso3s]
    failures: list[str] = []
    jobs = iter(focal_points)
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                focal_point = next(jobs, None)
            if focal_point is None:
                return
            start = time.perf_counter()
            try:
                _log_in(focal_point.browser, f"fp-{focal_point.iso3.lower()}", password)
            except RequestFailed as error:
                with lock:
                    failures.append(str(error))
            else:
                login.record({"login": time.perf_counter() - start})

    _run_threads(work, login.concurrency)
    login.elapsed = time.monotonic() - started
    if failures:
        raise SystemExit(f"loadtest: {len(failures)} logins failed, e.g. {failures[0]}")
    return focal_points


# --- the save cycle -----------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    concurrency: int
    times: dict[str, list[float]] = field(
        default_factory=lambda: {"cycle": [], "get": [], "save": [], "redirect_get": []}
    )
    cycle_name: str = "cycles"
    errors: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    conflicts: int = 0
    cycles: int = 0
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, sample: dict[str, float]) -> None:
        with self.lock:
            self.cycles += 1
            for name, seconds in sample.items():
                self.times.setdefault(name, []).append(seconds)

    def fail(self, kind: str, detail: str, *, conflict: bool = False) -> None:
        with self.lock:
            self.errors[kind] += 1
            self.conflicts += conflict
            if len(self.examples) < 5:
                self.examples.append(detail)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def figures(self) -> dict:
        figures = {
            "concurrency": self.concurrency,
            "seconds": round(self.elapsed, 2),
            self.cycle_name: self.cycles,
            f"{self.cycle_name}_per_s": round(self.cycles / self.elapsed, 2)
            if self.elapsed
            else 0.0,
            "errors": self.error_count,
            "conflicts": self.conflicts,
        }
        for name, samples in self.times.items():
            if not samples:
                continue
            figures[f"{name}_ms"] = {
                f"p{q}": round(_percentile(samples, q) * 1000, 1) for q in (50, 95, 99)
            }
        if self.errors:
            figures["error_kinds"] = dict(self.errors)
            figures["error_examples"] = self.examples
        return figures


def _percentile(samples: list[float], q: int) -> float:
    """Nearest rank; 0 for no sample."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))]


class SaveTarget:
    """The save URL: the page's save/ URL, or the page itself where save/ answers 404."""

    saves_to_page = False

    @classmethod
    def url(cls, page: str) -> str:
        return page if cls.saves_to_page else page + "save/"


_variants = itertools.count(1)  # every save sets values never saved before


def _cycle(focal_point: FocalPoint, phase: Phase) -> None:
    browser = focal_point.browser
    start = time.perf_counter()
    page = browser.get(focal_point.page)
    if page.status != 200:
        return phase.fail(f"GET page {page.status}", f"{focal_point.page}: {page.status}")
    try:
        form = form_with_field(page.body, "revision")
    except ValueError:
        return phase.fail("GET page without the form", focal_point.page)
    data = draft_save(form, next(_variants))
    url = SaveTarget.url(focal_point.page)
    saved = browser.post(url, data)
    if saved.status == 404 and url != focal_point.page:
        SaveTarget.saves_to_page = True  # before the rewrite: the page itself takes the save
        saved = browser.post(focal_point.page, data)
    if saved.status == 409:
        return phase.fail("save refused as a conflict", focal_point.iso3, conflict=True)
    if saved.status != 302 or not saved.location:
        return phase.fail(f"save answered {saved.status}", f"{focal_point.iso3}: {saved.status}")
    after = browser.get(saved.location)
    if after.status != 200:
        return phase.fail(f"redirect GET {after.status}", f"{saved.location}: {after.status}")
    phase.record(
        {
            "cycle": time.perf_counter() - start,
            "get": page.seconds,
            "save": saved.seconds,
            "redirect_get": after.seconds,
        }
    )


def _run_phase(phase: Phase, focal_points: list[FocalPoint], *, seconds: float) -> None:
    """Each virtual user cycles over its own focal points (no two users share a country).

    A cycle is started until ``seconds`` have passed, and the phase ends when the started cycles
    end (each request waits at most --timeout).
    """
    users = min(phase.concurrency, len(focal_points))
    start = time.monotonic()
    deadline = start + seconds

    def virtual_user(mine: list[FocalPoint]):
        turns = itertools.islice(itertools.cycle(mine), MAX_CYCLES_PER_USER)
        for focal_point in turns:
            if time.monotonic() >= deadline:
                return
            try:
                _cycle(focal_point, phase)
            except RequestFailed as error:
                phase.fail("no answer (timeout or connection)", str(error))
            except Exception as error:  # counted as an error: a run never crashes on one
                phase.fail(type(error).__name__, str(error))

    threads = [
        threading.Thread(target=virtual_user, args=(focal_points[k::users],), daemon=True)
        for k in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + 2 * REQUEST_BOUND)
    phase.elapsed = time.monotonic() - start


def _run_threads(work, count: int) -> None:
    threads = [threading.Thread(target=work, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=1800)


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
    env = _environment(arguments.database_url, password)
    print(f"Load test database: {urlsplit(arguments.database_url).path.lstrip('/')} (recreated)")
    _recreate_database(arguments.database_url)
    iso3s = _prepare(env)
    with tempfile.NamedTemporaryFile("w+", prefix="loadtest-gunicorn-", suffix=".log") as log:
        server, port = _start_server(env, workers=arguments.workers, log=log)
        phases: list[Phase] = []
        try:
            print(f"gunicorn on 127.0.0.1:{port}, {arguments.workers} workers; logging in")
            login = Phase("login", 8, times={"login": []}, cycle_name="logins")
            focal_points = _log_in_all(port, password, iso3s, login, timeout=arguments.timeout)
            phases.append(login)
            _print(login)
            # One cycle first, alone: it finds where the save goes (see SaveTarget).
            probe = Phase("probe", 1)
            _cycle(focal_points[0], probe)
            if probe.error_count:
                _print(probe)
                raise SystemExit("loadtest: the first save cycle failed")
            for concurrency in concurrencies:
                phase = Phase(f"c{concurrency}", concurrency)
                _run_phase(phase, focal_points, seconds=arguments.duration)
                phases.append(phase)
                _print(phase)
        finally:
            _stop_server(server)
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
