"""Operator commands for notifications, and the demo data."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.demo import seed_people
from collab import demo, services
from collab.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def old_notifications(person, *, read: int, unread: int):
    old = timezone.now() - timedelta(days=45)
    for i in range(read):
        Notification.objects.create(
            recipient=person, kind="mention", title=f"r{i}", created_at=old, read_at=old
        )
    for i in range(unread):
        Notification.objects.create(recipient=person, kind="mention", title=f"u{i}", created_at=old)


def test_purge_command_dry_run_changes_nothing():
    old_notifications(UserFactory(), read=3, unread=1)
    out = run("purge_notifications", "--older-than", "30", "--dry-run")
    assert "Dry run: 3 read notifications older than 30 days would be deleted." in out
    assert Notification.objects.count() == 4


def test_purge_command_deletes_in_batches_with_progress_and_keeps_unread():
    old_notifications(UserFactory(), read=5, unread=2)
    out = run("purge_notifications", "--older-than", "30", "--batch-size", "2")
    assert "deleted 2/5…" in out and "deleted 5/5…" in out
    assert "Deleted 5 read notifications older than 30 days." in out
    assert Notification.objects.count() == 2
    assert not Notification.objects.filter(read_at__isnull=False).exists()


def test_purge_command_refuses_bad_arguments():
    with pytest.raises(CommandError):
        run("purge_notifications", "--older-than", "-3")
    with pytest.raises(CommandError):
        run("purge_notifications", "--older-than", "3", "--batch-size", "0")
    with pytest.raises(CommandError):
        run("purge_notifications")


def test_send_digests_command_lists_then_sends_once(mailoutbox):
    yesterday = timezone.now() - timedelta(days=1)
    ana, ben = UserFactory(username="ana"), UserFactory(username="ben")
    for person in (ana, ben):
        Notification.objects.create(
            recipient=person, kind="issue_comment", title="A comment", created_at=yesterday
        )
    out = run("send_digests", "--dry-run")
    assert f"Digests for {timezone.localdate(yesterday).isoformat()}: 2 people." in out
    assert "[1/2] ana: would mail 1" in out
    assert mailoutbox == []
    out = run("send_digests")
    assert "[2/2] ben: mailed 1" in out
    assert "Sent 2 digests holding 2 notifications." in out
    assert len(mailoutbox) == 2
    out = run("send_digests", "--date", timezone.localdate(yesterday).isoformat())
    assert "[1/2] ana: skipped (already sent)" in out
    assert len(mailoutbox) == 2
    with pytest.raises(CommandError):
        run("send_digests", "--date", "yesterday")


def test_demo_notifications_are_created_once():
    people = seed_people(StringIO())
    out = StringIO()
    demo.seed(people=people, stdout=out)
    count = Notification.objects.count()
    assert count >= 5
    assert Notification.objects.filter(recipient=people["dev"], read_at__isnull=True).exists()
    demo.seed(people=people, stdout=StringIO())
    assert Notification.objects.count() == count
    run("seed_demo")  # the other apps' demo data notifies people too
    after_seed = Notification.objects.count()
    assert after_seed >= count
    run("seed_demo")
    assert Notification.objects.count() == after_seed
    services.mark_all_read(user=people["dev"])
