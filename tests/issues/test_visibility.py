"""Who sees what: a developer never sees another developer's issue, by any route."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from issues import services
from tests.issues.test_attachments import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(make_issue, other_dev):
    """Otto's issue, with a comment and an attachment; Rita must never see it."""
    issue = make_issue(
        by=other_dev,
        title="Otto secret zebra",
        description="zebra details",
        files=[SimpleUploadedFile("shot.png", png_bytes())],
    )
    services.add_comment(author=other_dev, issue_id=issue.pk, body="zebra comment")
    return issue


@pytest.fixture
def mine(make_issue):
    return make_issue(title="Rita zebra problem")


def test_list_page_search_and_export_show_only_my_issues(client, reporter, secret, mine):
    client.force_login(reporter)
    for url in ["/issues/", "/issues/?q=zebra", "/issues/?q=secret", "/issues/export.csv?q=zebra"]:
        body = client.get(url).content.decode()
        assert "Otto secret zebra" not in body, url
    assert "Rita zebra problem" in client.get("/issues/?q=zebra").content.decode()
    assert "Rita zebra problem" in client.get("/issues/export.csv").content.decode()


def test_every_route_to_anothers_issue_answers_404(client, reporter, secret):
    client.force_login(reporter)
    attachment = secret.attachments.get()
    urls = [
        f"/issues/{secret.pk}/",
        attachment.get_absolute_url(),
        f"/api/v1/issues/{secret.pk}/",
        f"/api/v1/issues/{secret.pk}/comments/",
        f"/api/v1/issues/{secret.pk}/activity/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"zebra" not in response.content
    assert (
        client.patch(
            f"/api/v1/issues/{secret.pk}/", {"title": "hijack"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/issues/{secret.pk}/comments/", {"body": "hi"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        client.post(f"/issues/{secret.pk}/", {"action": "comment", "body": "x"}).status_code == 404
    )


def test_api_list_and_search_show_only_my_issues(client, reporter, secret, mine):
    client.force_login(reporter)
    for query in ["", "?q=zebra", "?q=secret", f"?reporter={secret.reporter_id}"]:
        titles = [i["title"] for i in client.get(f"/api/v1/issues/{query}").json()["results"]]
        assert "Otto secret zebra" not in titles


def test_assignee_sees_the_issue_and_leads_see_all(client, lead, reporter, secret):
    client.force_login(lead)
    assert client.get(f"/issues/{secret.pk}/").status_code == 200
    assert client.get("/api/v1/issues/?q=zebra").json()["results"][0]["id"] == secret.pk
    services.update_issue(actor=lead, issue_id=secret.pk, assignee_id=reporter.pk)
    client.force_login(reporter)
    assert client.get(f"/issues/{secret.pk}/").status_code == 200
    assert client.get(secret.attachments.get().get_absolute_url()).status_code == 200


def test_anonymous_people_are_sent_to_log_in_or_get_401(client, secret):
    assert client.get("/issues/").status_code == 302
    assert client.get(f"/issues/{secret.pk}/").status_code == 302
    assert client.get(secret.attachments.get().get_absolute_url()).status_code == 302
    assert client.get("/api/v1/issues/").status_code in (401, 403)
