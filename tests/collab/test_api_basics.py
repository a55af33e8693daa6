"""API authentication, the caller, the team, JSON errors and the schema."""

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import create_api_token
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_a_token_from_username_and_password_authenticates_later_calls(api, member):
    response = api.post(
        "/api/v1/auth/token/", {"username": member.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    key = response.json()["token"]
    me = api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert me.status_code == 200
    assert me.json() == {
        "id": member.pk,
        "username": member.username,
        "display_name": member.display_name,
        "role": "developer",
    }
    # Only a hash of the key is stored.
    assert not ApiToken.objects.filter(key_hash=key).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"username": "nobody", "password": "wrong"},
        {"username": "x"},
        {},
    ],
)
def test_bad_credentials_get_a_400_with_a_reason_and_no_token(api, member, body):
    response = api.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert response.json()
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize("header", ["Token nope", "Token", "Bearer abc", "Token a b"])
def test_a_missing_or_bad_token_answers_401(api, header):
    response = api.get("/api/v1/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_no_credentials_answers_401(api):
    assert api.get("/api/v1/users/").status_code == 401


def test_a_revoked_or_deactivated_token_answers_401(api, member):
    from django.utils import timezone

    token, key = create_api_token(user=member, name="cli")
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    token.revoked_at = timezone.now()
    token.save()
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_the_team_directory_lists_active_people(api, member):
    gone = UserFactory(is_active=False)
    api.force_authenticate(member)
    response = api.get("/api/v1/users/")
    assert response.status_code == 200
    body = response.json()
    assert {"next", "previous", "results"} <= set(body)
    names = [row["username"] for row in body["results"]]
    assert member.username in names
    assert gone.username not in names


def test_an_unknown_api_path_answers_a_json_404(api):
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_wrong_method_answers_a_json_405(api, member):
    api.force_authenticate(member)
    response = api.delete("/api/v1/me/")
    assert response.status_code == 405
    assert "detail" in response.json()


def test_the_schema_and_docs_need_a_login_and_load_nothing_from_other_hosts(client, member):
    assert client.get("/api/schema/").status_code in (401, 403)
    client.force_login(member)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    assert b"tokenAuth" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html.replace("https://github", "")
