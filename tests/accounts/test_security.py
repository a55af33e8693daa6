"""Rate limits on sign-up and password reset; cookie flags; the security log's fields."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory


@pytest.mark.django_db
def test_sign_up_is_rate_limited_per_address(client):
    for _ in range(20):
        assert client.post("/accounts/signup/", {"email": "bad"}).status_code == 200
    response = client.post("/accounts/signup/", {"email": "bad"})
    assert response.status_code == 429
    assert "<h1>Too many attempts</h1>" in response.content.decode()  # in Collab's layout


@pytest.mark.django_db
def test_password_reset_is_rate_limited_per_email(client, member):
    for _ in range(5):
        response = client.post("/accounts/password/reset/", {"email": member.email})
        assert response.status_code == 302
    response = client.post("/accounts/password/reset/", {"email": member.email})
    assert response.status_code == 429
    assert "is paused for a few minutes" in response.content.decode()


@pytest.mark.django_db
def test_session_cookie_is_secure_httponly_and_samesite(client, password):
    person = UserFactory()
    response = client.post("/accounts/login/", {"login": person.username, "password": password})
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_password_change_checks_the_validators_and_takes_effect(client, password):
    person = UserFactory(username="pat")
    client.post("/accounts/login/", {"login": "pat", "password": password})
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This password is entirely numeric." in page
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": password,
            "password1": "new-Lantern-harbour-7",
            "password2": "new-Lantern-harbour-7",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("new-Lantern-harbour-7")
