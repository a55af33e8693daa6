"""The people directory and the accounts API: contents, search, online state, query counts."""

from __future__ import annotations

import logging

import pytest

from accounts.models import Role
from collab.presence import mark_offline, mark_online
from tests.factories import UserFactory


@pytest.mark.django_db
def test_directory_shows_role_and_online_state_and_searches(member_client, member):
    UserFactory(username="ada", display_name="Ada Lovelace", role=Role.ADMIN)
    grace = UserFactory(username="grace", display_name="Grace Hopper", role=Role.TESTER)
    UserFactory(username="gone", is_active=False)
    mark_online(user_id=grace.pk, connection_id="tab-1")
    try:
        page = member_client.get("/people/").content.decode()
        assert "Ada Lovelace" in page and "Grace Hopper" in page
        assert "gone" not in page  # only admins see deactivated people
        grace_row = page.split(f'id="person-{grace.pk}"')[1].split("</li>")[0]
        assert "Online" in grace_row and "Tester" in grace_row
        assert "presence--online" in grace_row

        page = member_client.get("/people/?q=hopp").content.decode()
        assert "Grace Hopper" in page and "Ada Lovelace" not in page
        page = member_client.get("/people/?q=nobody-like-this").content.decode()
        assert "Nobody matches" in page
    finally:
        mark_offline(user_id=grace.pk, connection_id="tab-1")


@pytest.mark.django_db
def test_admins_see_deactivated_people(client, admin_person):
    UserFactory(username="gone", is_active=False)
    client.force_login(admin_person)
    page = client.get("/people/").content.decode()
    assert "@gone" in page and "Deactivated" in page and "Reactivate" in page


def _directory_queries(client, django_assert_num_queries, count):
    # session, user, unread badge count, people count (paginator), people page
    with django_assert_num_queries(5):
        response = client.get("/people/")
    assert response.status_code == 200
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("others", [1, 50])
def test_directory_runs_fixed_queries(member_client, django_assert_num_queries, others):
    UserFactory.create_batch(others)
    response = _directory_queries(member_client, django_assert_num_queries, others)
    assert response.content.decode().count('class="person') >= min(others, 50)


@pytest.mark.django_db
@pytest.mark.parametrize("others", [1, 50])
def test_api_users_lists_is_online_with_fixed_queries(
    client, member, django_assert_num_queries, others
):
    from accounts.services import create_api_token

    people = UserFactory.create_batch(others)
    _t, key = create_api_token(user=member, name="api")
    mark_online(user_id=people[0].pk, connection_id="c1")
    try:
        # token lookup, its last-used time (first use only), count, page of people
        with django_assert_num_queries(4):
            response = client.get("/api/v1/users/", HTTP_AUTHORIZATION=f"Token {key}")
        assert response.status_code == 200
        body = response.json()
        assert set(body) >= {"next", "previous", "results"}
        rows = {row["username"]: row for row in body["results"]}
        assert set(rows[member.username]) == {"id", "username", "display_name", "role", "is_online"}
        assert rows[people[0].username]["is_online"] is True
        assert rows[member.username]["is_online"] is False
    finally:
        mark_offline(user_id=people[0].pk, connection_id="c1")


@pytest.mark.django_db
def test_api_users_search_and_me(client, member):
    from accounts.services import create_api_token

    UserFactory(username="zelda", display_name="Zelda")
    _t, key = create_api_token(user=member, name="api")
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    body = client.get("/api/v1/users/?q=zel", **auth).json()
    assert [row["username"] for row in body["results"]] == ["zelda"]
    me = client.get("/api/v1/me/", **auth).json()
    assert me["id"] == member.pk and me["username"] == member.username
    assert me == {
        "id": member.pk,
        "username": member.username,
        "display_name": member.display_name,
        "role": "developer",
    }


@pytest.mark.django_db
def test_api_without_or_with_a_bad_token_answers_401(client):
    assert client.get("/api/v1/me/").status_code in (401, 403)
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401
    response = client.get("/api/v1/users/", HTTP_AUTHORIZATION="Token ")
    assert response.status_code == 401


@pytest.mark.django_db
def test_token_endpoint_gives_a_working_token_and_refuses_bad_input(client, member, password):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": member.username, "password": password},
        content_type="application/json",
    )
    assert response.status_code == 200
    key = response.json()["token"]
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    response = client.post("/api/v1/auth/token/", {}, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) >= {"username", "password"}
    response = client.post("/api/v1/auth/token/", "not json", content_type="application/json")
    assert response.status_code == 400
    response = client.post(
        "/api/v1/auth/token/",
        {"username": member.username, "password": "wrong"},
        content_type="application/json",
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_token_endpoint_is_rate_limited_before_checking_the_password(
    client, member, password, caplog
):
    for _ in range(10):
        response = client.post(
            "/api/v1/auth/token/",
            {"username": member.username, "password": "wrong"},
            content_type="application/json",
        )
        assert response.status_code == 400
    with caplog.at_level(logging.WARNING, logger="collab.security"):
        response = client.post(
            "/api/v1/auth/token/",
            {"username": member.username, "password": password},
            content_type="application/json",
        )
    assert response.status_code == 429
    assert "Too many attempts" in response.json()["detail"]
    assert any(r.getMessage() == "token locked out" for r in caplog.records)


@pytest.mark.django_db
def test_right_passwords_do_not_use_up_the_token_limit(client, member, password):
    for _ in range(12):
        response = client.post(
            "/api/v1/auth/token/",
            {"username": member.username, "password": password},
            content_type="application/json",
        )
        assert response.status_code == 200


@pytest.mark.django_db
def test_login_is_locked_after_ten_failures_with_a_clear_message(client, member, password, caplog):
    with caplog.at_level(logging.INFO, logger="collab.security"):
        for _ in range(10):
            response = client.post(
                "/accounts/login/", {"login": member.username, "password": "wrong"}
            )
            assert response.status_code == 200
            assert "not correct" in response.content.decode()
        response = client.post("/accounts/login/", {"login": member.username, "password": password})
    assert response.status_code == 200
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    failures = [r for r in caplog.records if r.getMessage() == "login failed"]
    assert len(failures) == 10
    assert failures[0].username == member.username and failures[0].ip == "127.0.0.1"
    lockout = next(r for r in caplog.records if r.getMessage() == "login locked out")
    assert lockout.ip == "127.0.0.1" and lockout.request_id != "-"


@pytest.mark.django_db
def test_successful_login_is_logged_and_rotates_the_session(client, member, password, caplog):
    client.session.save()  # an anonymous session exists before signing in
    before = client.cookies["sessionid"].value
    with caplog.at_level(logging.INFO, logger="collab.security"):
        response = client.post("/accounts/login/", {"login": member.username, "password": password})
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert before != after
    record = next(r for r in caplog.records if r.getMessage() == "login succeeded")
    assert record.user_id == member.pk and record.ip == "127.0.0.1"


@pytest.mark.django_db
def test_client_address_comes_from_the_proxy_header_only_when_trusted(
    client, member, settings, caplog
):
    with caplog.at_level(logging.INFO, logger="collab.security"):
        client.post(
            "/accounts/login/",
            {"login": member.username, "password": "x"},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
        client.post(
            "/accounts/login/",
            {"login": member.username, "password": "x"},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    ips = [r.ip for r in caplog.records if r.getMessage() == "login failed"]
    assert ips == ["127.0.0.1", "203.0.113.9"]


@pytest.mark.django_db
def test_api_schema_describes_token_authentication(member_client):
    response = member_client.get("/api/schema/")
    assert response.status_code == 200
    assert b"tokenAuth" in response.content
