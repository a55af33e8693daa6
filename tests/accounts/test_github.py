"""GitHub sign-in, with GitHub's HTTP endpoints faked at the HTTP boundary (nothing else)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from accounts.models import Role, User

GITHUB = {
    "APPS": [{"client_id": "test-client", "secret": "test-secret", "key": ""}],
    "SCOPE": ["read:user", "user:email"],
}


@pytest.fixture
def github(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"github": GITHUB}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as fake:
        fake.post(
            "https://github.com/login/oauth/access_token",
            json={"access_token": "gho_fake", "token_type": "bearer", "scope": "read:user"},
        )
        fake.get(
            "https://api.github.com/user",
            json={"id": 4242, "login": "octo-cat", "name": "Octo Cat", "email": "octo@example.com"},
        )
        fake.get(
            "https://api.github.com/user/emails",
            json=[{"email": "octo@example.com", "primary": True, "verified": True}],
        )
        yield fake


def sign_in_with_github(client):
    response = client.get("/accounts/github/login/")
    assert response.status_code == 200
    assert b"GitHub" in response.content
    response = client.post("/accounts/github/login/")
    assert response.status_code == 302
    authorize = urlsplit(response["Location"])
    assert authorize.netloc == "github.com"
    query = parse_qs(authorize.query)
    assert query["client_id"] == ["test-client"]
    return client.get(
        "/accounts/github/login/callback/", {"code": "fake-code", "state": query["state"][0]}
    )


@pytest.mark.django_db
def test_login_page_offers_github_only_when_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert b"Continue with GitHub" not in client.get("/accounts/login/").content
    assert client.get("/accounts/github/login/").status_code == 404
    settings.SOCIALACCOUNT_PROVIDERS = {"github": GITHUB}
    assert b"Continue with GitHub" in client.get("/accounts/login/").content


@pytest.mark.django_db
def test_new_person_is_created_with_their_github_username(client, github):
    response = sign_in_with_github(client)
    assert response.status_code == 302, response.content[:2000]
    person = User.objects.get(username="octo-cat")
    assert person.email == "octo@example.com"
    assert person.role == Role.DEVELOPER
    assert int(client.session["_auth_user_id"]) == person.pk
    assert person.emailaddress_set.get().verified
    token_call = next(c for c in github.calls if "access_token" in c.request.url)
    assert "fake-code" in token_call.request.body


@pytest.mark.django_db
def test_returning_person_is_logged_in_to_the_same_account(client, github):
    assert sign_in_with_github(client).status_code == 302
    first = User.objects.get(username="octo-cat")
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session

    response = sign_in_with_github(client)
    assert response.status_code == 302
    assert User.objects.count() == 1
    assert int(client.session["_auth_user_id"]) == first.pk


@pytest.mark.django_db
def test_github_sign_up_is_closed_when_invite_only(client, github, settings):
    settings.COLLAB_SIGNUP_MODE = "invite"
    response = sign_in_with_github(client)
    assert response.status_code == 200
    assert b"This team is invite-only" in response.content
    assert not User.objects.exists()


@pytest.mark.django_db
def test_github_failure_shows_an_error_page_not_a_500(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"github": GITHUB}
    with responses.RequestsMock() as fake:
        fake.post("https://github.com/login/oauth/access_token", status=500)
        client.get("/accounts/github/login/")
        response = client.post("/accounts/github/login/")
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        response = client.get("/accounts/github/login/callback/", {"code": "x", "state": state})
    assert response.status_code == 401
    assert b"Third-Party Login Failure" in response.content
    assert not User.objects.exists()


@pytest.mark.django_db
def test_invited_person_may_join_through_github_when_invite_only(
    client, github, settings, lead_user
):
    from accounts import services
    from collab.models import Notification

    settings.COLLAB_SIGNUP_MODE = "invite"
    invitation = services.invite_person(
        actor=lead_user, email="octo@example.com", role="designer", base_url="http://x"
    )
    client.get(f"/accounts/invite/{services.invitation_token(invitation)}/")
    response = sign_in_with_github(client)
    assert response.status_code == 302
    person = User.objects.get(username="octo-cat")
    assert person.role == Role.DESIGNER
    assert Notification.objects.filter(recipient=lead_user, kind="invitation_accepted").exists()
