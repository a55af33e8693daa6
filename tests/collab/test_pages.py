"""The layout, the dashboard, error pages, request ids and logs."""

import json
import logging

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_the_dashboard_has_landmarks_a_skip_link_and_the_header_actions(member_client, member):
    html = member_client.get("/").content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert 'aria-label="Main"' in html
    assert "Report issue" in html
    assert "data-notification-badge" in html
    assert f"Hello, {member.name}" in html
    # No inline scripts or styles: a strict CSP must be possible.
    assert "<script>" not in html
    assert "style=" not in html


def test_the_login_page_uses_the_collab_layout(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<main id="main"' in html
    assert "Skip to main content" in html


def test_an_unknown_page_gets_the_404_page_in_the_layout(member_client):
    response = member_client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b'<main id="main"' in response.content


@override_settings(ROOT_URLCONF="tests.collab.error_urls")
def test_a_refused_page_gets_the_403_page(member_client):
    response = member_client.get("/refuse/")
    assert response.status_code == 403
    assert b"You may not open this page" in response.content


@override_settings(ROOT_URLCONF="tests.collab.error_urls")
def test_a_server_error_gets_the_500_page(client):
    client.raise_request_exception = False
    response = client.get("/crash/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_each_response_carries_a_request_id_that_a_proxy_may_set(client):
    assert len(client.get("/healthz")["X-Request-ID"]) == 32
    given = "edge-1234abcd"
    assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    # Anything odd from outside is replaced, never echoed.
    assert client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def test_production_logs_are_one_json_object_per_line_with_the_request_id(client, caplog):
    from django.conf import settings

    json_config = settings.LOGGING["formatters"]["json"]
    factory = json_config["()"]
    module, name = factory.rsplit(".", 1)
    formatter = getattr(__import__(module, fromlist=[name]), name)(
        json_config["format"], rename_fields=json_config["rename_fields"]
    )
    with caplog.at_level(logging.INFO, logger="collab.request"):
        response = client.get("/healthz")
    record = next(r for r in caplog.records if r.name == "collab.request")
    line = formatter.format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["request_id"] == response["X-Request-ID"]
    assert data["status"] == 200
    assert data["path"] == "/healthz"
    assert data["level"] == "INFO"
