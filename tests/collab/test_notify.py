"""The notify service: stored rows, live frames, reading by link."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from collab import realtime
from collab.models import Notification, NotificationKind
from collab.services import mark_notifications_read, notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def receive(channel):
    layer = get_channel_layer()
    return async_to_sync(layer.receive)(channel)


def subscribe(user):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(realtime.user_group(user.pk), channel)
    return channel


def test_notify_stores_one_row_per_recipient_but_never_the_actor():
    actor, a, b = UserFactory(), UserFactory(), UserFactory()
    rows = notify(recipients=[actor, a, b], kind=NotificationKind.MENTION, title="Hi", actor=actor)
    assert {row.recipient_id for row in rows} == {a.pk, b.pk}
    assert Notification.objects.filter(recipient=actor).count() == 0


def test_notify_pushes_a_frame_with_the_unread_count_after_commit():
    person = UserFactory()
    channel = subscribe(person)
    notify(
        recipients=[person],
        kind=NotificationKind.ISSUE_REPORTED,
        title="New issue",
        url="/issues/1/",
    )
    event = receive(channel)
    assert event["frame"]["type"] == "notification"
    assert event["frame"]["unread_count"] == 1
    assert event["frame"]["notification"]["url"] == "/issues/1/"


def test_reading_a_room_marks_its_notifications_read_and_pushes_the_count():
    person = UserFactory()
    notify(recipients=[person], kind=NotificationKind.MENTION, title="a", url="/chat/3/?seq=2")
    notify(recipients=[person], kind=NotificationKind.MENTION, title="b", url="/chat/30/?seq=1")
    channel = subscribe(person)
    assert mark_notifications_read(user=person, url_prefix="/chat/3/") == 1
    assert receive(channel)["frame"] == {"type": "notification.read", "unread_count": 1}
