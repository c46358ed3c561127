"""The load test's server: its own PostgreSQL database, then gunicorn on 127.0.0.1.

Production settings (DEBUG off, a generated SECRET_KEY, ALLOWED_HOSTS=127.0.0.1) except the HTTPS
redirect: plain HTTP on loopback. The client keeps the secure cookies itself, so the cookie
settings stay as in production.
"""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from .client import Browser, RequestFailed, require_loopback

ROOT = Path(__file__).resolve().parent.parent


def recreate_database(url: str) -> None:
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


def environment(database_url: str, password: str) -> dict[str, str]:
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


def prepare(env: dict[str, str]) -> list[str]:
    """The database ready to serve; returns the ISO3 codes of the countries with a focal point."""
    python = sys.executable
    for command in (
        [python, "manage.py", "migrate", "--no-input", "-v", "0"],
        [python, "manage.py", "load_reference_data"],
        [python, "manage.py", "load_demo", "--rounds-only"],
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


def start_server(env: dict[str, str], *, workers: int, log) -> tuple[subprocess.Popen, int]:
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
    stop_server(server)
    raise SystemExit("loadtest: gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)
