"""Fixtures for the accounts tests."""

from __future__ import annotations

import uuid

import pytest

from collab.celery import app as celery_app


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Give each test its own cache key prefix, so rate-limit counts never leak between tests."""
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    prefix = f"collab-test-accounts-{uuid.uuid4().hex[:12]}"
    caches["default"]["KEY_PREFIX"] = prefix
    settings.CACHES = caches
    yield
    if settings.REDIS_URL:
        # Remove only this test's keys (never FLUSHDB: the database may be shared).
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash quickly in-process (live processes keep the real hashers: see test_rate_limits)."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture
def eager_celery():
    """Run Celery tasks in the calling process (mail lands in `mail.outbox`)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
