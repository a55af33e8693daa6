"""Settings come from the environment; bad values stop start-up with a plain message."""

import json
import subprocess
import sys

import pytest
from django.conf import settings

PROBE = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({"
    "'db': settings.DATABASES['default']['ENGINE'],"
    "'pool': settings.DATABASES['default'].get('OPTIONS', {}).get('pool'),"
    "'journal': settings.DATABASES['default'].get('OPTIONS', {}).get('init_command'),"
    "'layer': settings.CHANNEL_LAYERS['default']['BACKEND'],"
    "'cache': settings.CACHES['default']['BACKEND'],"
    "'broker': settings.CELERY_BROKER_URL,"
    "'debug': settings.DEBUG}))"
)
PROD_KEY = "x" * 20 + "production-secret-key-that-is-long-enough-0123456789"


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "collab.settings",
        "COLLAB_IGNORE_DOTENV": "1",
        "COLLAB_DATA_DIR": str(settings.DATA_DIR),
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    code = (
        f"import sys, runpy; sys.argv = ['manage.py', *{list(args)!r}];"
        "runpy.run_path('manage.py', run_name='__main__')"
    )
    return run_python(code, **env)


def probe(**env: str) -> dict:
    result = run_python(PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_no_variables_means_the_embedded_default():
    found = probe(DEBUG="true")
    assert found["db"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in found["journal"]
    assert found["layer"] == "channels.layers.InMemoryChannelLayer"
    assert found["cache"].endswith("FileBasedCache")
    assert found["broker"].startswith("filesystem://")
    assert found["debug"] is True


def test_database_and_redis_urls_switch_to_postgres_and_redis():
    found = probe(
        SECRET_KEY=PROD_KEY,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/collab",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert found["db"] == "django.db.backends.postgresql"
    assert found["pool"]["max_size"] >= 2
    assert found["layer"] == "channels_redis.core.RedisChannelLayer"
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert found["broker"] == "redis://127.0.0.1:6379/3"
    assert found["debug"] is False


def test_missing_secret_key_with_debug_off_is_explained_not_a_traceback():
    result = run_manage("check")
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_development_key_is_refused_with_debug_off():
    from collab.config import DEV_SECRET_KEY

    result = run_manage("check", SECRET_KEY=DEV_SECRET_KEY)
    assert result.returncode == 2
    assert "refuses the development key" in result.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "is not a database URL"),
        ("mysql://root@localhost/collab", "is not a database URL"),
        ("postgres://postgres@127.0.0.1:5432", "names no database"),
    ],
)
def test_an_unusable_database_url_is_explained(url, message):
    result = run_manage("check", DEBUG="true", DATABASE_URL=url)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unusable_redis_url_is_explained():
    result = run_manage("check", DEBUG="true", REDIS_URL="http://127.0.0.1:6379")
    assert result.returncode == 2
    assert "is not a Redis URL" in result.stderr


def test_daphne_explains_a_bad_setting_too():
    result = subprocess.run(
        [sys.executable, "-c", "import collab.asgi"],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "COLLAB_IGNORE_DOTENV": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("Collab cannot start: SECRET_KEY is not set")


def test_check_deploy_is_clean_with_production_variables():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=PROD_KEY,
        ALLOWED_HOSTS="collab.example.com",
        CSRF_TRUSTED_ORIGINS="https://collab.example.com",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
