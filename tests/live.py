"""Start real server and worker processes for tests: daphne and Celery, on the test database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_url() -> str:
    """Return a DATABASE_URL naming the database the test run uses (created by pytest-django)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        name = db["NAME"]
        if name == ":memory:" or "mode=memory" in str(name):
            raise RuntimeError("a live process needs a file database, not in-memory SQLite")
        return f"sqlite:///{name}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def process_env(**overrides: str | None) -> dict[str, str]:
    """Return the environment of a child process: this run's settings, plus `overrides`.

    An override of None removes that variable.
    """
    env = dict(os.environ)
    env["DATABASE_URL"] = test_database_url()
    env["COLLAB_IGNORE_DOTENV"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def wait_for_http(url: str, *, timeout: float = 20.0, process=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the process exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@contextmanager
def child_process(args: list[str], *, log_name: str, env_overrides: dict):
    """Run `python -m <args>` on the test database; yield it; stop it and close its log.

    When the block fails, the end of the process's log is printed to help explain why.
    """
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    log = open(Path(settings.DATA_DIR) / log_name, "w+b")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", *args],
        cwd=BASE_DIR,
        env=process_env(**env_overrides),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    except Exception:
        log.seek(0)
        sys.stderr.write(log.read().decode(errors="replace")[-4000:])
        raise
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@contextmanager
def daphne(**env_overrides: str | None):
    """Run `daphne collab.asgi:application` on a free port; yield its base URL."""
    port = free_port()
    args = ["daphne", "-b", "127.0.0.1", "-p", str(port)]
    args += ["--websocket-max-message-size", "65536", "collab.asgi:application"]
    with child_process(args, log_name=f"daphne-{port}.log", env_overrides=env_overrides) as proc:
        url = f"http://127.0.0.1:{port}"
        wait_for_http(f"{url}/healthz", process=proc)
        yield url


@contextmanager
def celery_worker(**env_overrides: str | None):
    """Run one Celery worker process (solo pool); yield the process."""
    args = ["celery", "-A", "collab", "worker", "--pool", "solo", "--loglevel", "INFO"]
    args += ["--without-gossip", "--without-mingle"]
    log_name = f"worker-{os.getpid()}.log"
    with child_process(args, log_name=log_name, env_overrides=env_overrides) as process:
        yield process
