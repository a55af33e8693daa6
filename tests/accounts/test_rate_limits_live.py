"""Sign-in rate limits hold across processes: two live daphne processes sharing Redis."""

from __future__ import annotations

import os
import re
import uuid

import pytest
import redis
import requests
from django.contrib.auth.hashers import make_password

from tests.factories import UserFactory
from tests.live import daphne

PASSWORD = "a-Strong-pass-for-tests-42"


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/2"


def attempt(session: requests.Session, base: str, username: str, password: str) -> str:
    """Post the login form the way a browser does; return the page it answers with."""
    form = session.get(f"{base}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        data={"login": username, "password": password, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code in (200, 302), response.status_code
    return "signed-in" if response.status_code == 302 else response.text


@pytest.mark.django_db(transaction=True)
def test_eleventh_wrong_password_is_refused_without_checking_it_on_two_processes():
    person = UserFactory(username="target")
    # The live processes hash with the real hashers, not the tests' fast one.
    person.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    person.save(update_fields=["password"])

    prefix = f"collab-rl-{uuid.uuid4().hex[:12]}"
    env = {
        "REDIS_URL": redis_url(),
        "COLLAB_CACHE_PREFIX": prefix,
        "COLLAB_CHANNEL_PREFIX": f"{prefix}-asgi",
        "SESSION_COOKIE_SECURE": "false",
    }
    client = redis.Redis.from_url(redis_url())
    try:
        with daphne(**env) as first, daphne(**env) as second:
            browser = requests.Session()
            for number in range(10):
                base = first if number % 2 == 0 else second
                page = attempt(browser, base, "target", "wrong password")
                assert "The username and/or password you specified are not correct." in page

            # The right password, on either process: refused before the password is checked.
            for base in (first, second):
                page = attempt(browser, base, "target", PASSWORD)
                assert page != "signed-in"
                assert "Too many failed sign-in attempts" in page

            assert client.keys(f"{prefix}:*"), "the counts live in the shared Redis"
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        keys += list(client.scan_iter(match=f"{prefix}-asgi*"))
        if keys:
            client.delete(*keys)
        client.close()
