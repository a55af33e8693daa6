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
def daphne(**env_overrides: str | None):
    """Run `daphne collab.asgi:application` on a free port; yield its base URL."""
    port = free_port()
    log = open(Path(settings.DATA_DIR) / f"daphne-{port}.log", "w+b")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "--websocket-max-message-size",
            "65536",
            "collab.asgi:application",
        ],
        cwd=BASE_DIR,
        env=process_env(**env_overrides),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/healthz", process=process)
        yield url
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
def celery_worker(**env_overrides: str | None):
    """Run one Celery worker process (solo pool); yield the process."""
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    log = open(Path(settings.DATA_DIR) / f"worker-{os.getpid()}.log", "w+b")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "collab",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
        ],
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
