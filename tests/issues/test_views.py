"""Issue pages: the report dialog and no-JavaScript form, detail actions, queue, export."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chat.models import Membership, Message, Room
from issues import services
from issues.models import Comment, Issue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(client):
    def _as(user):
        client.force_login(user)
        return client

    return _as


# Reporting: the dialog on every page and the plain form --------------------------------------
def test_every_page_offers_the_report_dialog_with_a_no_js_fallback(as_, reporter):
    body = as_(reporter).get("/").content.decode()
    assert 'href="/issues/new/" data-dialog-fallback="report-issue-dialog"' in body
    assert '<dialog id="report-issue-dialog"' in body
    assert 'aria-labelledby="report-issue-dialog-title"' in body
    assert 'action="/issues/new/"' in body
    assert 'id="dialog_title"' in body  # dialog ids never clash with a page form's
    assert "js/dialog.js" in body


def test_no_js_form_reports_and_redirects_to_the_issue(as_, reporter, lead):
    response = as_(reporter).post(
        "/issues/new/",
        {"title": "Printer on fire", "description": "Smoke", "category": "blocker"},
    )
    issue = Issue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/issues/{issue.pk}/"
    assert (issue.reporter, issue.category) == (reporter, "blocker")
    page = as_(reporter).get(response["Location"]).content.decode()
    assert "Printer on fire" in page
    assert f"Issue #{issue.pk} reported" in page


def test_no_js_form_shows_field_errors(as_, reporter):
    response = as_(reporter).post(
        "/issues/new/", {"title": "x", "description": "y" * 10_001, "category": "nope"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count('aria-invalid="true"') == 3
    assert 'role="alert"' in body
    assert not Issue.objects.exists()


def test_dialog_posts_get_json(as_, reporter):
    client = as_(reporter)
    response = client.post(
        "/issues/new/",
        {"title": "ok", "category": "bug"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 400
    assert "title" in response.json()["errors"]
    response = client.post(
        "/issues/new/",
        {
            "title": "Good title",
            "category": "bug",
            "attachments": SimpleUploadedFile("x.png", b"MZ\x90\x00" * 20),
        },
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 400
    assert "x.png is not an image" in response.json()["errors"]["attachments"][0]
    assert not Issue.objects.exists()
    response = client.post(
        "/issues/new/", {"title": "Good title", "category": "bug"}, HTTP_X_REQUESTED_WITH="fetch"
    )
    issue = Issue.objects.get()
    assert response.status_code == 201
    assert response.json() == {"id": issue.pk, "url": f"/issues/{issue.pk}/"}


def chat_message(author, body="The deploy is stuck\nsince noon", members=()):
    room = Room.objects.create(kind="channel", name="ops", last_seq=1)
    for person in (author, *members):
        Membership.objects.create(room=room, user=person)
    return Message.objects.create(room=room, seq=1, author=author, client_id="c1", body=body)


def test_report_from_a_chat_message_quotes_and_links_it(as_, reporter, other_dev):
    message = chat_message(other_dev, members=[reporter])
    client = as_(reporter)
    page = client.get(f"/issues/new/?message={message.pk}").content.decode()
    link = f"/chat/{message.room_id}/?seq=1"
    assert "&gt; The deploy is stuck\n&gt; since noon" in page
    assert link in page
    assert f'name="message" value="{message.pk}"' in page
    client.post(
        "/issues/new/",
        {"title": "Deploy stuck", "category": "blocker", "message": message.pk},
    )
    issue = Issue.objects.get()
    assert issue.source_message == message
    assert f'href="{link}"' in client.get(f"/issues/{issue.pk}/").content.decode()
    assert message.raised_issues.get() == issue


def test_a_message_from_a_room_i_am_not_in_is_ignored(as_, reporter, other_dev):
    message = chat_message(other_dev, body="private words")
    client = as_(reporter)
    page = client.get(f"/issues/new/?message={message.pk}").content.decode()
    assert "private words" not in page
    for junk in ["abc", "-1", "99999999999999999999999"]:
        assert client.get(f"/issues/new/?message={junk}").status_code == 200
    client.post("/issues/new/", {"title": "Sneaky", "category": "bug", "message": message.pk})
    assert Issue.objects.get().source_message is None


# Detail actions -------------------------------------------------------------------------------
def test_comment_edit_triage_and_reopen_from_the_page(as_, issue, reporter, lead):
    url = f"/issues/{issue.pk}/"
    assert as_(reporter).post(url, {"action": "comment", "body": "More info"}).status_code == 302
    assert Comment.objects.get().body == "More info"
    response = as_(reporter).post(
        url, {"action": "edit", "title": "Sharper title", "description": "d", "category": "bug"}
    )
    assert response.status_code == 302
    triage = {"action": "triage", "status": "resolved", "priority": "high",
              "assignee": str(lead.pk), "resolution": "", "duplicate_of": ""}  # fmt: skip
    response = as_(lead).post(url, triage)
    assert response.status_code == 400
    assert "Say how it was resolved" in response.content.decode()
    triage["resolution"] = "Patched"
    assert as_(lead).post(url, triage).status_code == 302
    issue.refresh_from_db()
    assert (issue.title, issue.status, issue.assignee) == ("Sharper title", "resolved", lead)
    page = as_(reporter).get(url).content.decode()
    assert "Reopen" in page and "Save triage" not in page
    Issue.objects.filter(pk=issue.pk).update(closed_at=timezone.now() - timedelta(days=15))
    page = as_(reporter).get(url).content.decode()
    assert ">Reopen<" not in page
    response = as_(reporter).post(url, {"action": "reopen"})
    assert response.status_code == 400
    assert "within 14 days" in response.content.decode()
    Issue.objects.filter(pk=issue.pk).update(closed_at=timezone.now())
    assert as_(reporter).post(url, {"action": "reopen"}).status_code == 302
    assert Issue.objects.get(pk=issue.pk).status == "in_review"


def test_refusals_on_the_page_are_shown_not_500(as_, issue, reporter, lead):
    url = f"/issues/{issue.pk}/"
    services.update_issue(actor=lead, issue_id=issue.pk, status="in_review")
    response = as_(reporter).post(
        url, {"action": "edit", "title": "Late edit", "description": "", "category": "bug"}
    )
    assert response.status_code == 400
    assert "no longer pending" in response.content.decode()
    response = as_(reporter).post(
        url, {"action": "triage", "status": "resolved", "priority": "low", "resolution": "x"}
    )
    assert response.status_code == 400
    assert "may not triage" in response.content.decode()
    response = as_(reporter).post(url, {"action": "reopen"})
    assert response.status_code == 400
    assert "Only a resolved or rejected issue can be reopened" in response.content.decode()
    assert as_(reporter).post(url, {"action": "explode"}).status_code == 302
    bad_posts = [
        {"action": "comment", "body": ""},
        {"action": "comment", "body": "x" * 10_001},
        {"action": "attach"},
        {"action": "edit", "title": ""},
        {"action": "triage", "status": "zzz", "assignee": "abc", "duplicate_of": "-4"},
    ]
    for bad in bad_posts:
        assert as_(lead).post(url, bad).status_code == 400, bad
    assert as_(lead).get("/issues/abc/").status_code == 404


def test_the_page_escapes_user_text_and_sanitizes_markdown(as_, make_issue, reporter):
    issue = make_issue(
        title="<script>alert(1)</script>",
        description="[x](javascript:alert(1)) <img src=x onerror=alert(1)> **ok**",
    )
    page = as_(reporter).get(f"/issues/{issue.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript' not in page
    assert 'src="x"' not in page and "onerror=alert(1)>" not in page
    assert "<strong>ok</strong>" in page


# Queue, bulk and export ----------------------------------------------------------------------
def test_lead_queue_has_counts_filters_and_bulk(as_, make_issue, lead):
    a = make_issue(title="Alpha bug")
    make_issue(title="Beta bug")
    services.update_issue(actor=lead, issue_id=a.pk, status="in_review")
    page = as_(lead).get("/issues/").content.decode()
    assert "Triage queue" in page
    assert 'data-count="all">2<' in page
    assert 'data-count="pending">1<' in page
    assert 'data-count="in_review">1<' in page
    assert 'id="bulk-form"' in page
    filtered = as_(lead).get("/issues/?status=pending&q=beta").content.decode()
    assert "Beta bug" in filtered and "Alpha bug" not in filtered


def test_reporter_sees_my_issues_without_triage_tools(as_, issue, reporter):
    page = as_(reporter).get("/issues/").content.decode()
    assert "My issues" in page
    assert 'id="bulk-form"' not in page
    assert issue.title in page


def test_bad_filters_on_the_page_are_shown_not_500(as_, issue, lead):
    response = as_(lead).get("/issues/?status=zzz&assignee=abc&sort=nope&page=abc&q=" + "x" * 300)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_pagination(as_, make_issue, lead):
    for n in range(30):
        make_issue(title=f"Issue number {n}")
    client = as_(lead)
    assert "Page 1 of 2" in client.get("/issues/").content.decode()
    second = client.get("/issues/?page=2").content.decode()
    assert "Issue number 0<" in second and "Issue number 29<" not in second
    assert client.get("/issues/?page=999").status_code == 200


def test_bulk_change_from_the_queue(as_, make_issue, lead, reporter):
    a, b = make_issue(title="First one"), make_issue(title="Second one")
    client = as_(lead)
    response = client.post(
        "/issues/bulk/",
        {"issues": [a.pk, b.pk], "field": "priority", "priority": "critical",
         "next": "/issues/?status=pending"},
    )  # fmt: skip
    assert response["Location"] == "/issues/?status=pending"
    assert set(Issue.objects.values_list("priority", flat=True)) == {"critical"}
    client.post("/issues/bulk/", {"issues": [a.pk], "field": "assignee", "assignee": lead.pk})
    assert Issue.objects.get(pk=a.pk).assignee == lead
    response = client.post(
        "/issues/bulk/", {"issues": [a.pk], "field": "status", "status": "resolved"}, follow=True
    )
    assert "Say how it was resolved" in response.content.decode()
    response = client.post(
        "/issues/bulk/",
        {"issues": [a.pk], "field": "status", "status": "resolved", "resolution": "Done",
         "next": "https://evil.example/"},
    )  # fmt: skip
    assert response["Location"] == "/issues/"
    assert Issue.objects.get(pk=a.pk).status == "resolved"
    for bad in [{}, {"issues": ["x"], "field": "status"}, {"issues": [a.pk], "field": "zzz"}]:
        assert client.post("/issues/bulk/", bad).status_code == 302
    response = as_(reporter).post(
        "/issues/bulk/", {"issues": [b.pk], "field": "priority", "priority": "low"}, follow=True
    )
    assert "may not triage" in response.content.decode()
    assert Issue.objects.get(pk=b.pk).priority == "critical"


def test_export_follows_the_filter_and_defuses_formulas(as_, make_issue, lead):
    make_issue(title='=HYPERLINK("http://evil")', category="bug")
    make_issue(title="Plain question", category="question")
    response = as_(lead).get("/issues/export.csv?category=bug")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["id", "title", "status"]
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'


def test_dashboard_shows_my_open_issues(as_, make_issue, reporter, lead):
    open_issue = make_issue(title="Still open thing")
    closed = make_issue(title="Closed thing")
    services.update_issue(actor=lead, issue_id=closed.pk, status="rejected", resolution="No")
    page = as_(reporter).get("/").content.decode()
    panel = page.split('id="my-open-issues"')[1].split("</section>")[0]
    assert "Still open thing" in panel and "Closed thing" not in panel
    assert f"/issues/{open_issue.pk}/" in page
    assert "No open issues" in as_(UserFactory()).get("/").content.decode()


# Query counts ---------------------------------------------------------------------------------
def _fill(make_issue, reporter, lead, n):
    for i in range(n):
        issue = make_issue(title=f"Load issue {i}")
        services.update_issue(actor=lead, issue_id=issue.pk, assignee_id=lead.pk)


@pytest.mark.parametrize("n", [1, 50])
def test_triage_queue_runs_fixed_queries(
    n, make_issue, reporter, lead, client, django_assert_num_queries
):
    _fill(make_issue, reporter, lead, n)
    client.force_login(lead)
    # session, user, unread badge count, people for the filters and bulk form, page count,
    # page of issues (reporter and assignee joined), status counts (one aggregate)
    with django_assert_num_queries(7):
        response = client.get("/issues/?sort=priority")
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 50])
def test_reporter_list_runs_fixed_queries(
    n, make_issue, reporter, lead, client, django_assert_num_queries
):
    _fill(make_issue, reporter, lead, n)
    client.force_login(reporter)
    # session, user, unread badge count, page count, page of issues, status counts
    with django_assert_num_queries(6):
        assert client.get("/issues/").status_code == 200


@pytest.mark.parametrize("n", [1, 50])
def test_detail_page_runs_fixed_queries(
    n, issue, reporter, lead, other_dev, client, django_assert_num_queries
):
    for i in range(n):
        author = [reporter, lead, other_dev][i % 3] if i % 3 != 2 else lead
        services.add_comment(author=author, issue_id=issue.pk, body=f"comment {i}")
        services.add_attachments(
            actor=reporter, issue_id=issue.pk, files=[SimpleUploadedFile(f"f{i}.txt", b"text")]
        )
    services.update_issue(actor=lead, issue_id=issue.pk, assignee_id=lead.pk)
    client.force_login(lead)
    # session, user, unread badge count, issue (reporter, assignee, message, duplicate joined),
    # comments (authors joined), activity (actors joined), attachments, people for triage
    with django_assert_num_queries(8):
        response = client.get(f"/issues/{issue.pk}/")
    assert response.status_code == 200
    assert response.content.decode().count('class="comment"') == n


@pytest.mark.parametrize("n", [1, 50])
def test_api_list_runs_fixed_queries(
    n, make_issue, reporter, lead, client, django_assert_num_queries
):
    _fill(make_issue, reporter, lead, n)
    client.force_login(lead)
    # session, user, count, page (people joined)
    with django_assert_num_queries(4):
        assert client.get("/api/v1/issues/").status_code == 200


def test_chat_can_ask_which_messages_raised_issues_in_one_query(
    make_issue, reporter, other_dev, lead, django_assert_num_queries
):
    from issues.selectors import issues_raised_from

    message = chat_message(other_dev, members=[reporter, lead])
    quiet = Message.objects.create(room=message.room, seq=2, author=other_dev, client_id="c2")
    issue = make_issue(title="From chat", source_message_id=message.pk)
    with django_assert_num_queries(1):
        raised = issues_raised_from(user=lead, message_ids=[message.pk, quiet.pk])
    assert raised == {message.pk: [issue]}
    assert issues_raised_from(user=reporter, message_ids=[message.pk]) == {message.pk: [issue]}
    # Otto wrote the message but cannot see Rita's issue: no marker link for him.
    assert issues_raised_from(user=other_dev, message_ids=[message.pk]) == {}
    assert issues_raised_from(user=lead, message_ids=[]) == {}
