"""Production settings: a clear refusal without a secret key, and a clean deployment check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_with_debug_off_and_no_secret_key_start_up_fails_saying_what_to_set():
    result = run_manage("check", DEBUG="False", SECRET_KEY="")
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()
    assert len(message) == 1
    assert "SECRET_KEY" in message[0]


def test_with_debug_off_and_a_real_secret_key_the_deploy_check_reports_nothing():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        DEBUG="False",
        SECRET_KEY="a-real-secret-key-" + "x7Gk2pQ9vL4mN8rT3wZ6yB1cF5hJ0sD" * 2,
        ALLOWED_HOSTS="policyindex.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
