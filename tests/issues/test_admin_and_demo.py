"""The Django admin's issue screens and bulk actions, and the demo seed."""

import io

import pytest
from django.core.management import call_command

from accounts.models import Role
from issues.models import Issue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_lead(db):
    return UserFactory(username="boss", role=Role.ADMIN, is_staff=True, is_superuser=True)


def test_admin_lists_filters_and_searches_issues(client, staff_lead, make_issue):
    make_issue(title="Needle in admin")
    make_issue(title="Other thing")
    client.force_login(staff_lead)
    page = client.get("/admin/issues/issue/?q=needle&status__exact=pending").content.decode()
    assert "Needle in admin" in page and "Other thing" not in page
    issue = Issue.objects.get(title="Needle in admin")
    assert client.get(f"/admin/issues/issue/{issue.pk}/change/").status_code == 200
    assert client.get("/admin/issues/issue/add/").status_code == 403


def test_admin_bulk_actions_go_through_the_services(client, staff_lead, make_issue):
    a, b = make_issue(title="First"), make_issue(title="Second")
    client.force_login(staff_lead)
    for action in ["move_to_in_review", "assign_to_me", "set_priority_critical"]:
        response = client.post(
            "/admin/issues/issue/",
            {"action": action, "_selected_action": [a.pk, b.pk]},
            follow=True,
        )
        assert "Updated 2 issues" in response.content.decode()
    issues = Issue.objects.all()
    assert {(i.status, i.priority, i.assignee_id) for i in issues} == {
        ("in_review", "critical", staff_lead.pk)
    }
    assert a.activity.filter(field="status", new="in_review", actor=staff_lead).exists()
    response = client.post(
        "/admin/issues/issue/", {"action": "unassign", "_selected_action": [a.pk]}, follow=True
    )
    assert Issue.objects.get(pk=a.pk).assignee is None


def test_admin_action_by_staff_who_is_not_a_lead_is_refused(client, make_issue):
    staff_dev = UserFactory(role=Role.DEVELOPER, is_staff=True, is_superuser=True)
    issue = make_issue()
    client.force_login(staff_dev)
    response = client.post(
        "/admin/issues/issue/",
        {"action": "move_to_in_review", "_selected_action": [issue.pk]},
        follow=True,
    )
    assert "may not triage" in response.content.decode()
    assert Issue.objects.get(pk=issue.pk).status == "pending"


def test_seed_demo_creates_issues_once(db):
    call_command("seed_demo", stdout=io.StringIO())
    first = sorted(Issue.objects.values_list("title", "status"))
    assert len(first) == 4
    assert ("Export CSV misses the assignee column", "resolved") in first
    call_command("seed_demo", stdout=io.StringIO())
    assert sorted(Issue.objects.values_list("title", "status")) == first
