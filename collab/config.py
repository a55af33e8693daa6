"""Read Collab's settings from the environment and explain bad values plainly."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

DEV_SECRET_KEY = "django-insecure-collab-development-key-do-not-use-in-production"  # noqa: S105

DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql", "psql"}


class ConfigError(ImproperlyConfigured):
    """A setting from the environment that Collab cannot start with."""


def database_config(url: str | None, *, default_sqlite: Path) -> dict:
    """Return the `DATABASES["default"]` entry for a `DATABASE_URL` (or SQLite)."""
    if not url:
        return sqlite_config(default_sqlite)
    scheme = urlsplit(url).scheme
    if scheme not in DATABASE_SCHEMES:
        raise ConfigError(
            f"DATABASE_URL={url!r} is not a database URL Collab understands. Use "
            "postgres://user:password@host:5432/name, or unset it for the SQLite default."
        )
    try:
        config = environ.Env.db_url_config(url)
    except Exception as exc:  # django-environ raises several kinds for bad URLs
        raise ConfigError(f"DATABASE_URL={url!r} cannot be parsed: {exc}") from exc
    if scheme == "sqlite":
        return sqlite_config(Path(config["NAME"]))
    if not config.get("NAME"):
        raise ConfigError(f"DATABASE_URL={url!r} names no database (add /name at the end).")
    config["ENGINE"] = "django.db.backends.postgresql"
    # psycopg 3's pool replaces persistent connections (CONN_MAX_AGE must stay 0 with it).
    config["CONN_MAX_AGE"] = 0
    config.setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": 16, "timeout": 10}
    return config


def sqlite_config(path: Path) -> dict:
    """Return an SQLite config that several processes can share (WAL, busy timeout)."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # Take the write lock when a transaction starts, so two writers queue on the busy
            # timeout instead of failing half-way with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        "TEST": {"NAME": str(path.with_name(f"test_{path.stem}.sqlite3"))},
    }


def redis_url_for_db(url: str, db: int) -> str:
    """Return `url` pointing at Redis database number `db`."""
    parts = urlsplit(url)
    return parts._replace(path=f"/{db}").geturl()


def redis_db_of(url: str) -> int:
    """Return the database number of a Redis URL (0 when it names none)."""
    path = urlsplit(url).path.strip("/")
    if not path:
        return 0
    if not path.isdigit():
        raise ConfigError(f"REDIS_URL={url!r} must end with a database number, like /0.")
    return int(path)


def check_redis_url(url: str) -> str:
    """Return `url` if it is a Redis URL, else explain what is expected."""
    if urlsplit(url).scheme not in {"redis", "rediss"}:
        raise ConfigError(
            f"REDIS_URL={url!r} is not a Redis URL. Use redis://host:6379/0, or unset it to "
            "run on the embedded default."
        )
    redis_db_of(url)
    return url


def check_secret_key(secret_key: str | None, *, debug: bool) -> str:
    """Return the secret key, refusing the development key when DEBUG is off."""
    if debug:
        return secret_key or DEV_SECRET_KEY
    if not secret_key or secret_key == DEV_SECRET_KEY:
        raise ConfigError(
            "SECRET_KEY is not set. With DEBUG off Collab refuses the development key: set "
            "SECRET_KEY to a long random value (for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set DEBUG=true "
            "on your own machine."
        )
    if len(secret_key) < 50:
        raise ConfigError("SECRET_KEY is too short: use at least 50 random characters.")
    return secret_key


def load_settings_or_exit() -> None:
    """Load Django's settings, or print what is wrong with them and exit with status 2.

    Entry points (manage.py, the ASGI app, the Celery app) call this first, so a bad variable
    reads as one plain sentence instead of a traceback from deep inside Django.
    """
    import sys

    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - touching a setting loads the module
    except ConfigError as exc:
        print(f"Collab cannot start: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def filesystem_celery(data_dir: Path) -> dict:
    """Return Celery settings for kombu's filesystem broker under `data_dir` (no server needed)."""
    folder = data_dir / "celery"
    for name in ("queue", "processed", "control", "results"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://localhost//",
        "broker_transport_options": {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        },
        "result_backend": f"file://{folder / 'results'}",
    }
