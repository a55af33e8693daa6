"""Notification services: notify at any scale, reading, links, preferences, purge."""

from datetime import timedelta

import pytest
from django.utils import timezone

from collab import selectors, services
from collab.errors import Invalid, NotFound
from collab.models import Delivery, Notification, NotificationKind
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [1, 50])
def test_notify_runs_a_fixed_number_of_queries(
    size, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    # Hashing 50 real passwords would take most of this test's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    people = UserFactory.create_batch(size)
    # savepoint, insert every row, release; then after commit: the unread counts for the
    # frames (one grouped query) and the recipients' email preferences for the kind.
    with (
        django_assert_num_queries(5),
        django_capture_on_commit_callbacks(execute=True),
    ):
        rows = services.notify(
            recipients=people, kind=NotificationKind.ISSUE_REPORTED, title="New issue"
        )
    assert len(rows) == size
    assert Notification.objects.filter(read_at__isnull=True).count() == size


def test_notify_skips_inactive_people_and_fails_on_an_unknown_kind():
    active, gone = UserFactory(), UserFactory(is_active=False)
    rows = services.notify(recipients=[active, gone], kind="mention", title="Hi")
    assert [row.recipient_id for row in rows] == [active.pk]
    assert services.notify(recipients=[gone], kind="mention", title="Hi") == []
    with pytest.raises(ValueError):
        services.notify(recipients=[active], kind="party", title="Hi")


def test_mark_read_only_reaches_my_own_notifications():
    me, other = UserFactory(), UserFactory()
    (mine,) = services.notify(recipients=[me], kind="issue_assigned", title="Yours")
    (theirs,) = services.notify(recipients=[other], kind="issue_assigned", title="Theirs")
    assert services.mark_read(user=me, notification_id=mine.pk).is_read
    with pytest.raises(NotFound):
        services.mark_read(user=me, notification_id=theirs.pk)
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_mark_all_read_clears_my_unread_count_only():
    me, other = UserFactory(), UserFactory()
    for title in ("a", "b", "c"):
        services.notify(recipients=[me, other], kind="issue_status", title=title)
    assert services.mark_all_read(user=me) == 3
    assert services.mark_all_read(user=me) == 0
    assert selectors.unread_counts_for(user_ids=[me.pk, other.pk]) == {me.pk: 0, other.pk: 3}


@pytest.mark.parametrize(
    ("stored", "target"),
    [
        ("/issues/4/", "/issues/4/"),
        ("/chat/3/?seq=2#m2", "/chat/3/?seq=2#m2"),
        ("", "/notifications/"),
        ("https://evil.example/", "/notifications/"),
        ("//evil.example/", "/notifications/"),
        ("/\\evil.example/", "/notifications/"),
        ("javascript:alert(1)", "/notifications/"),
        ("issues/4/", "/notifications/"),
    ],
)
def test_opening_a_notification_marks_it_read_and_only_leads_within_the_site(stored, target):
    me = UserFactory()
    (row,) = services.notify(recipients=[me], kind="issue_status", title="x", url=stored)
    assert services.open_notification(user=me, notification_id=row.pk) == target
    row.refresh_from_db()
    assert row.is_read


def test_preferences_default_sensibly_and_can_be_changed():
    me = UserFactory()
    defaults = selectors.delivery_preferences(user=me)
    assert defaults["direct_message"] == Delivery.IMMEDIATELY
    assert defaults["issue_comment"] == Delivery.DIGEST
    assert set(defaults) == set(NotificationKind.values)
    services.set_delivery_preferences(user=me, preferences={"direct_message": "never"})
    updated = services.set_delivery_preferences(user=me, preferences={"mention": "digest"})
    assert updated["direct_message"] == "never"
    assert updated["mention"] == "digest"
    assert selectors.deliveries_for(user_ids=[me.pk], kind="mention") == {me.pk: "digest"}


def test_bad_preferences_are_refused_with_the_field_named():
    me = UserFactory()
    with pytest.raises(Invalid) as error:
        services.set_delivery_preferences(
            user=me, preferences={"mention": "hourly", "party": "never"}
        )
    assert set(error.value.fields) == {"mention", "party"}
    assert selectors.delivery_preferences(user=me)["mention"] == Delivery.IMMEDIATELY


def test_purge_deletes_old_read_notifications_and_keeps_unread_ones():
    me = UserFactory()
    old = timezone.now() - timedelta(days=40)
    old_read = Notification.objects.create(
        recipient=me, kind="mention", title="old read", created_at=old, read_at=old
    )
    old_unread = Notification.objects.create(
        recipient=me, kind="mention", title="old unread", created_at=old
    )
    new_read = Notification.objects.create(
        recipient=me, kind="mention", title="new read", read_at=timezone.now()
    )
    assert services.purge_read_notifications(older_than_days=30, dry_run=True) == 1
    assert Notification.objects.filter(pk=old_read.pk).exists()
    seen = []
    deleted = services.purge_read_notifications(
        older_than_days=30, batch_size=1, progress=lambda done, total: seen.append((done, total))
    )
    assert deleted == 1
    assert seen == [(1, 1)]
    left = set(Notification.objects.values_list("pk", flat=True))
    assert left == {old_unread.pk, new_read.pk}
    with pytest.raises(Invalid):
        services.purge_read_notifications(older_than_days=-1)
