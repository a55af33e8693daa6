"""Who is told what: the right people, and no one else (never the actor)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Role
from collab.models import Notification, NotificationKind
from issues import services, tasks
from issues.models import Issue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
K = NotificationKind


def told(kind=None) -> set[str]:
    rows = Notification.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    return set(rows.values_list("recipient__username", flat=True))


@pytest.fixture
def team(reporter, other_dev, lead, admin_lead):
    """Rita reports, Otto is a bystander developer, Lena and Ada lead; Dora is inactive."""
    UserFactory(username="dora", role=Role.PROJECT_MANAGER, is_active=False)
    return {"reporter": reporter, "other": other_dev, "lead": lead, "admin": admin_lead}


def test_a_new_issue_tells_every_active_lead_only(team, make_issue):
    issue = make_issue()
    assert told() == {"lena", "ada"}
    row = Notification.objects.filter(recipient=team["lead"]).get()
    assert (row.kind, row.url) == (K.ISSUE_REPORTED, f"/issues/{issue.pk}/")


def test_a_lead_reporting_is_not_told_about_their_own_issue(team, make_issue):
    make_issue(by=team["lead"])
    assert told() == {"ada"}


def test_status_change_tells_reporter_and_assignee_not_the_lead(team, issue):
    services.update_issue(actor=team["lead"], issue_id=issue.pk, assignee_id=team["other"].pk)
    Notification.objects.all().delete()
    services.update_issue(actor=team["lead"], issue_id=issue.pk, status="in_review")
    assert told() == {"rita", "otto"}
    assert told(K.ISSUE_STATUS) == {"rita", "otto"}


def test_resolution_is_in_the_status_notification(team, issue):
    Notification.objects.all().delete()
    services.update_issue(
        actor=team["lead"], issue_id=issue.pk, status="resolved", resolution="Fixed in 2.1"
    )
    row = Notification.objects.get()
    assert (row.recipient, row.kind, row.body) == (team["reporter"], K.ISSUE_STATUS, "Fixed in 2.1")


def test_assignment_tells_the_assignee_only(team, issue):
    Notification.objects.all().delete()
    services.update_issue(actor=team["lead"], issue_id=issue.pk, assignee_id=team["other"].pk)
    assert told() == {"otto"}
    assert told(K.ISSUE_ASSIGNED) == {"otto"}


def test_self_assignment_tells_nobody(team, issue):
    Notification.objects.all().delete()
    services.update_issue(actor=team["lead"], issue_id=issue.pk, assignee_id=team["lead"].pk)
    services.update_issue(actor=team["lead"], issue_id=issue.pk, priority="high")
    assert told() == set()


def test_reporter_reopening_tells_the_assignee_not_the_reporter(team, issue):
    services.update_issue(actor=team["lead"], issue_id=issue.pk, assignee_id=team["other"].pk)
    services.update_issue(actor=team["lead"], issue_id=issue.pk, status="resolved", resolution="x")
    Notification.objects.all().delete()
    services.update_issue(actor=team["reporter"], issue_id=issue.pk, status="in_review")
    assert told() == {"otto"}


def test_comment_tells_reporter_assignee_and_earlier_commenters(team, issue):
    services.update_issue(actor=team["lead"], issue_id=issue.pk, assignee_id=team["other"].pk)
    services.add_comment(author=team["admin"], issue_id=issue.pk, body="Seen it too")
    Notification.objects.all().delete()
    services.add_comment(author=team["other"], issue_id=issue.pk, body="On it")
    assert told(K.ISSUE_COMMENT) == {"rita", "ada"}
    assert told() == {"rita", "ada"}


def test_edits_by_the_reporter_tell_nobody(team, issue):
    Notification.objects.all().delete()
    services.update_issue(actor=team["reporter"], issue_id=issue.pk, title="Clearer title")
    assert told() == set()


def test_escalation_run_twice_tells_the_leads_once(team, make_issue, settings):
    settings.ISSUES_ESCALATE_AFTER_HOURS = 48
    old = make_issue(title="Old and pending")
    fresh = make_issue(title="Fresh and pending")
    triaged = make_issue(title="Old but triaged")
    services.update_issue(actor=team["lead"], issue_id=triaged.pk, status="in_review")
    three_days_ago = timezone.now() - timedelta(hours=72)
    Issue.objects.filter(pk__in=[old.pk, triaged.pk]).update(created_at=three_days_ago)
    Notification.objects.all().delete()

    assert tasks.escalate_pending_issues.apply().get() == 1
    assert tasks.escalate_pending_issues.apply().get() == 0
    rows = Notification.objects.filter(kind=K.ISSUE_ESCALATED)
    assert sorted(rows.values_list("recipient__username", flat=True)) == ["ada", "lena"]
    assert set(rows.values_list("url", flat=True)) == {f"/issues/{old.pk}/"}
    assert Issue.objects.get(pk=old.pk).escalated_at is not None
    assert Issue.objects.get(pk=fresh.pk).escalated_at is None


def test_escalation_age_is_configurable(team, make_issue, settings):
    settings.ISSUES_ESCALATE_AFTER_HOURS = 1
    issue = make_issue()
    Issue.objects.filter(pk=issue.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert services.escalate_pending_issues() == 1


def test_daily_summary_mails_each_lead_the_counts(team, make_issue):
    make_issue(title="One")
    escalated = make_issue(title="Two")
    Issue.objects.filter(pk=escalated.pk).update(
        created_at=timezone.now() - timedelta(days=3), escalated_at=timezone.now()
    )
    assert tasks.send_triage_summary.apply().get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.com", "lena@example.com"]
    body = mail.outbox[0].body
    assert "New in the last 24 hours: 1" in body
    assert "Pending: 2" in body
    assert "Escalated (pending too long): 1" in body


def test_beat_schedule_runs_both_tasks(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"issues.tasks.escalate_pending_issues", "issues.tasks.send_triage_summary"} <= (
        tasks_scheduled
    )


def test_a_former_assignee_who_commented_is_not_told_about_later_comments(team, issue):
    lead, other = team["lead"], team["other"]
    services.update_issue(actor=lead, issue_id=issue.pk, assignee_id=other.pk)
    services.add_comment(author=other, issue_id=issue.pk, body="Looking")
    services.update_issue(actor=lead, issue_id=issue.pk, assignee_id=lead.pk)
    Notification.objects.all().delete()
    services.add_comment(author=team["reporter"], issue_id=issue.pk, body="Any news?")
    assert told() == {"lena"}
