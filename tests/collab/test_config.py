"""Reading settings values: what is accepted and what is explained."""

from pathlib import Path

import pytest

from collab import config
from collab.tasks import probe


def test_postgres_urls_get_a_pool_and_no_persistent_connections():
    db = config.database_config("postgres://u:pw@db:5432/collab", default_sqlite=Path("x"))
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["NAME"] == "collab"
    assert db["CONN_MAX_AGE"] == 0
    assert db["OPTIONS"]["pool"]["min_size"] >= 1


def test_an_sqlite_url_keeps_the_shared_file_settings(tmp_path):
    db = config.database_config(f"sqlite:///{tmp_path}/c.sqlite3", default_sqlite=Path("x"))
    assert db["NAME"] == f"{tmp_path}/c.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert db["TEST"]["NAME"].endswith("test_c.sqlite3")


def test_no_url_means_the_default_sqlite_file(tmp_path):
    db = config.database_config(None, default_sqlite=tmp_path / "db.sqlite3")
    assert db["NAME"] == str(tmp_path / "db.sqlite3")


@pytest.mark.parametrize(
    ("url", "db"), [("redis://h:6379", 0), ("redis://h:6379/", 0), ("redis://h:6379/4", 4)]
)
def test_redis_database_numbers(url, db):
    assert config.check_redis_url(url) == url
    assert config.redis_db_of(url) == db


def test_a_redis_url_must_end_with_a_number():
    with pytest.raises(config.ConfigError, match="database number"):
        config.check_redis_url("redis://h:6379/cache")


def test_secret_keys():
    assert config.check_secret_key(None, debug=True) == config.DEV_SECRET_KEY
    assert config.check_secret_key("k" * 60, debug=False) == "k" * 60
    with pytest.raises(config.ConfigError, match="too short"):
        config.check_secret_key("short", debug=False)


def test_the_filesystem_broker_creates_its_folders(tmp_path):
    settings = config.filesystem_celery(tmp_path)
    assert settings["broker_url"].startswith("filesystem://")
    for folder in ("queue", "processed", "control", "results"):
        assert (tmp_path / "celery" / folder).is_dir()


def test_the_probe_task_reports_its_process():
    import os

    assert probe()["pid"] == os.getpid()
