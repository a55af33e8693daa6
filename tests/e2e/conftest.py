"""Browser tests: Playwright driving Debian's Chromium against a live daphne process.

Run them in their own pytest invocation (`pytest -m e2e`): Playwright's event loop breaks
pytest-asyncio tests that run after it in the same process.
"""

from __future__ import annotations

import os
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.test import Client

from tests.live import daphne

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def live_daphne(django_db_setup, django_db_blocker):
    """One daphne process for the whole browser run, on the test database."""
    with (
        django_db_blocker.unblock(),
        daphne(SESSION_COOKIE_SECURE="false", WHITENOISE_USE_FINDERS="true") as url,
    ):
        yield url


@pytest.fixture
def live_url(live_daphne, transactional_db):
    """The base URL of the live server; data a test creates is committed, so it sees it."""
    return live_daphne


@pytest.fixture
def login(live_url):
    """Return `login(context, user)`: put a logged-in session cookie into a browser context."""

    def _login(context, user):
        client = Client()
        client.force_login(user)
        cookie: SimpleCookie = client.cookies
        value = cookie[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_url}]
        )
        return context

    return _login
