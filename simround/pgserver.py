"""A private PostgreSQL server for the database-restart fault: the shared one is never restarted.

``initdb`` and ``pg_ctl`` from /usr/lib/postgresql/<version>/bin (or ``PG_BIN``), in a temporary
directory, listening on 127.0.0.1 only, on its own port. initdb refuses to run as root: then every
command runs as the ``postgres`` system user (``su``), who owns the directory.
"""

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

COMMAND_TIMEOUT = 120


def _bin_dir() -> Path:
    configured = os.environ.get("PG_BIN")
    if configured:
        return Path(configured)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version)
    if not found:
        raise SystemExit("simround: no PostgreSQL binaries under /usr/lib/postgresql (set PG_BIN)")
    return Path(found[-1]).parent


def _version(path: str) -> int:
    try:
        return int(Path(path).parts[-3])
    except ValueError:
        return 0


class PrivatePostgres:
    def __init__(self, port: int):
        self.port = port
        self.bin = _bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="simround-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.as_postgres = os.geteuid() == 0
        self.started = False

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/simround"

    def _run(self, *arguments: str) -> None:
        command = [str(self.bin / arguments[0]), *arguments[1:]]
        if self.as_postgres:
            command = [
                "su",
                "postgres",
                "-s",
                "/bin/sh",
                "-c",
                " ".join(_quote(c) for c in command),
            ]
        subprocess.run(command, check=True, timeout=COMMAND_TIMEOUT, stdout=subprocess.DEVNULL)

    def _options(self) -> str:
        return (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c max_connections=200 -c fsync=off"
        )

    def start(self) -> None:
        if self.as_postgres:
            shutil.chown(self.root, user="postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(),
                  "-w", "-t", "60", "start")  # fmt: skip
        self.started = True

    def restart(self, *, down_seconds: float) -> tuple[float, float]:
        """``pg_ctl stop -m fast``, ``down_seconds`` without a server, then start again; returns
        the monotonic times the outage began and ended."""
        began = time.monotonic()
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")
        time.sleep(down_seconds)
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self._options(),
                  "-w", "-t", "60", "start")  # fmt: skip
        return began, time.monotonic()

    def stop(self) -> None:
        try:
            if self.started:
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")
        finally:
            self.started = False
            shutil.rmtree(self.root, ignore_errors=True)


def _quote(word: str) -> str:
    return "'" + word.replace("'", "'\\''") + "'"
