"""The REST API of issues: contract shapes, filters, codes, and bad input never a 500."""

import pytest

from issues import services
from issues.models import Issue

pytestmark = pytest.mark.django_db

ISSUE_KEYS = {
    "id", "title", "description", "category", "priority", "status", "reporter", "assignee",
    "resolution", "source_message", "created_at", "updated_at",
}  # fmt: skip
USER_KEYS = {"id", "username", "display_name", "role"}


@pytest.fixture
def api(client):
    def _api(user):
        client.force_login(user)
        return client

    return _api


def test_report_returns_the_contract_issue(api, reporter):
    response = api(reporter).post(
        "/api/v1/issues/",
        {"title": "  Cannot push  ", "description": "Denied", "category": "blocker"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= ISSUE_KEYS
    assert set(body["reporter"]) == USER_KEYS
    assert (body["title"], body["status"], body["priority"], body["assignee"]) == (
        "Cannot push", "pending", "medium", None,
    )  # fmt: skip
    assert body["source_message"] is None


def test_detail_comments_and_activity_shapes(api, issue, reporter, lead):
    services.add_comment(author=reporter, issue_id=issue.pk, body="*more*")
    client = api(lead)
    assert set(client.get(f"/api/v1/issues/{issue.pk}/").json()) >= ISSUE_KEYS
    comments = client.get(f"/api/v1/issues/{issue.pk}/comments/").json()
    assert set(comments) >= {"next", "previous", "results"}
    comment = comments["results"][0]
    assert set(comment) == {"id", "author", "body", "html", "created_at"}
    assert comment["html"] == "<p><em>more</em></p>"
    activity = client.get(f"/api/v1/issues/{issue.pk}/activity/").json()["results"]
    assert set(activity[0]) == {"id", "actor", "field", "old", "new", "created_at"}
    assert (activity[0]["field"], activity[0]["new"]) == ("status", "pending")


def test_comment_post(api, issue, reporter):
    response = api(reporter).post(
        f"/api/v1/issues/{issue.pk}/comments/", {"body": "Hi"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["author"]["username"] == "rita"


def test_patch_by_role_answers_200_403_409(api, issue, reporter, lead, other_dev):
    url = f"/api/v1/issues/{issue.pk}/"
    patch = lambda client, data: client.patch(url, data, content_type="application/json")  # noqa: E731
    assert patch(api(reporter), {"title": "Better title"}).status_code == 200
    assert patch(api(reporter), {"priority": "high"}).status_code == 403
    assert patch(api(reporter), {"status": "in_review"}).status_code == 403
    response = patch(
        api(lead), {"status": "in_review", "assignee": other_dev.pk, "priority": "high"}
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["assignee"]["id"]) == (
        "in_review",
        other_dev.pk,
    )
    assert patch(api(reporter), {"title": "Too late now"}).status_code == 409
    assert patch(api(lead), {"status": "pending"}).status_code == 409
    assert patch(api(other_dev), {"status": "resolved", "resolution": "x"}).status_code == 403
    response = patch(api(lead), {"status": "resolved"})
    assert response.status_code == 400
    assert "resolution" in response.json()
    response = patch(api(lead), {"status": "resolved", "resolution": "Fixed"})
    assert (response.status_code, response.json()["resolution"]) == (200, "Fixed")
    assert patch(api(reporter), {"status": "in_review"}).status_code == 200


def test_filters(api, make_issue, reporter, lead, other_dev):
    a = make_issue(title="Crash on save", category="bug")
    b = make_issue(title="Need access", category="blocker", description="VPN crash")
    c = make_issue(by=other_dev, title="Question about deploy", category="question")
    services.update_issue(actor=lead, issue_id=b.pk, priority="critical", assignee_id=lead.pk)
    services.update_issue(actor=lead, issue_id=c.pk, status="in_review")
    client = api(lead)

    def ids(query):
        response = client.get(f"/api/v1/issues/?{query}")
        assert response.status_code == 200, response.content
        return {i["id"] for i in response.json()["results"]}

    assert ids("") == {a.pk, b.pk, c.pk}
    assert ids("status=in_review") == {c.pk}
    assert ids("priority=critical") == {b.pk}
    assert ids("category=bug") == {a.pk}
    assert ids(f"assignee={lead.pk}") == {b.pk}
    assert ids("assignee=none") == {a.pk, c.pk}
    assert ids(f"reporter={other_dev.pk}") == {c.pk}
    assert ids("q=crash") == {a.pk, b.pk}
    ordered = client.get("/api/v1/issues/?sort=priority").json()["results"]
    assert ordered[0]["id"] == b.pk
    page = client.get("/api/v1/issues/?page_size=2").json()
    assert len(page["results"]) == 2
    assert page["next"]


@pytest.mark.parametrize(
    "query",
    ["status=open", "priority=urgent", "category=x", "assignee=bob", "assignee=-1",
     "reporter=abc", "sort=random", "page=999", "page_size=abc", "q=" + "x" * 500],
)  # fmt: skip
def test_bad_filters_answer_4xx_not_500(api, lead, issue, query):
    response = api(lead).get(f"/api/v1/issues/?{query}")
    assert response.status_code in (200, 400, 404), response.content
    if response.status_code == 400:
        assert response.json()


BAD_REPORTS = [
    ({}, "title"),
    ({"title": ""}, "title"),
    ({"title": "ab"}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": "   "}, "title"),
    ({"title": None}, "title"),
    ({"title": ["a", "b"]}, "title"),
    ({"title": {"a": 1}}, "title"),
    ({"title": "Fine title", "description": "x" * 10_001}, "description"),
    ({"title": "Fine title", "description": None}, "description"),
    ({"title": "Fine title", "category": "feature"}, "category"),
    ({"title": "Fine title", "priority": "urgent"}, "priority"),
    ({"title": "Fine title", "source_message": "abc"}, "source_message"),
    ({"title": "Fine title", "source_message": 10**30}, "source_message"),
]


@pytest.mark.parametrize(("data", "field"), BAD_REPORTS)
def test_bad_reports_give_field_errors(api, reporter, data, field):
    response = api(reporter).post("/api/v1/issues/", data, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Issue.objects.exists()


def test_non_json_and_wrong_shapes_give_4xx(api, reporter, issue):
    client = api(reporter)
    for body, ctype in [("{not json", "application/json"), ("[1,2]", "application/json"),
                        ("title=x", "text/plain"), ("null", "application/json")]:  # fmt: skip
        response = client.post("/api/v1/issues/", body, content_type=ctype)
        assert 400 <= response.status_code < 500, (body, response.status_code)
    assert client.delete(f"/api/v1/issues/{issue.pk}/").status_code == 405
    assert (
        client.put(f"/api/v1/issues/{issue.pk}/", {}, content_type="application/json").status_code
        == 405
    )
    assert client.get("/api/v1/issues/99999999999999999999999/").status_code == 404


BAD_PATCHES = [
    ({"status": "done"}, "status"),
    ({"priority": 5}, "priority"),
    ({"assignee": "me"}, "assignee"),
    ({"assignee": 10**9}, "assignee"),
    ({"assignee": 2**70}, "assignee"),
    ({"duplicate_of": "x"}, "duplicate_of"),
    ({"status": "rejected", "duplicate_of": 10**9}, "duplicate_of"),
    ({"title": "a"}, "title"),
    ({"title": None}, "title"),
    ({"resolution": "x" * 5000}, "resolution"),
    ({"category": ""}, "category"),
]


@pytest.mark.parametrize(("data", "field"), BAD_PATCHES)
def test_bad_patches_give_field_errors(api, lead, issue, data, field):
    response = api(lead).patch(f"/api/v1/issues/{issue.pk}/", data, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Issue.objects.get(pk=issue.pk).status == "pending"


@pytest.mark.parametrize("body", ["", "   ", None, "x" * 10_001, ["x"]])
def test_bad_comments_give_field_errors(api, reporter, issue, body):
    response = api(reporter).post(
        f"/api/v1/issues/{issue.pk}/comments/", {"body": body}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "body" in response.json()
    assert not issue.comments.exists()


def test_token_authentication_works(client, reporter, issue):
    from accounts.services import create_api_token

    _token, key = create_api_token(user=reporter, name="script")
    response = client.get("/api/v1/issues/", HTTP_AUTHORIZATION=f"Token {key}")
    assert [i["id"] for i in response.json()["results"]] == [issue.pk]
    assert client.get("/api/v1/issues/", HTTP_AUTHORIZATION="Token nope").status_code == 401


def test_schema_lists_the_issue_endpoints(api, reporter):
    schema = api(reporter).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in ["/api/v1/issues/", "/api/v1/issues/{id}/", "/api/v1/issues/{id}/comments/",
                 "/api/v1/issues/{id}/activity/"]:  # fmt: skip
        assert path in paths, sorted(paths)
    params = {p["name"] for p in paths["/api/v1/issues/"]["get"]["parameters"]}
    assert {"status", "priority", "category", "assignee", "q", "page"} <= params
    assert "patch" in paths["/api/v1/issues/{id}/"]
