"""Live notifications over the WebSocket: the right person, the right unread count."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from collab.asgi import application
from collab.services import mark_all_read, mark_read, notify
from tests.factories import UserFactory
from tests.ws import next_frame, receives_nothing_but_presence

pytestmark = pytest.mark.django_db(transaction=True)


async def connect(user):
    """Open a socket the way a browser does: session cookie from an allowed Origin."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    await database_sync_to_async(client.force_login)(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    communicator = WebsocketCommunicator(
        application,
        "/ws/",
        headers=[(b"cookie", cookie.encode()), (b"origin", b"http://localhost")],
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_a_connected_recipient_gets_the_frame_with_the_unread_count_and_nobody_else():
    actor = await database_sync_to_async(UserFactory)()
    recipient = await database_sync_to_async(UserFactory)()
    bystander = await database_sync_to_async(UserFactory)()
    await database_sync_to_async(notify)(
        recipients=[recipient], kind="issue_status", title="Earlier"
    )
    sockets = {p.pk: await connect(p) for p in (actor, recipient, bystander)}

    await database_sync_to_async(notify)(
        recipients=[recipient, actor],
        kind="mention",
        title="Dana mentioned you",
        url="/chat/1/",
        actor=actor,
    )
    frame = await next_frame(sockets[recipient.pk], "notification")
    assert frame["unread_count"] == 2
    assert frame["notification"]["title"] == "Dana mentioned you"
    assert frame["notification"]["url"] == "/chat/1/"
    assert frame["notification"]["is_read"] is False
    assert await receives_nothing_but_presence(sockets[actor.pk], timeout=0.5)
    assert await receives_nothing_but_presence(sockets[bystander.pk], timeout=0.1)
    for communicator in sockets.values():
        await communicator.disconnect()


async def test_reading_pushes_the_new_count_to_every_tab_of_that_person():
    person = await database_sync_to_async(UserFactory)()
    other = await database_sync_to_async(UserFactory)()
    rows = await database_sync_to_async(notify)(
        recipients=[person, other], kind="issue_status", title="a"
    )
    await database_sync_to_async(notify)(recipients=[person], kind="issue_status", title="b")
    tab1, tab2, theirs = await connect(person), await connect(person), await connect(other)
    mine = next(row for row in rows if row.recipient_id == person.pk)
    await database_sync_to_async(mark_read)(user=person, notification_id=mine.pk)
    for tab in (tab1, tab2):
        assert await next_frame(tab, "notification.read") == {
            "type": "notification.read",
            "unread_count": 1,
        }
    await database_sync_to_async(mark_all_read)(user=person)
    assert (await next_frame(tab1, "notification.read"))["unread_count"] == 0
    assert await receives_nothing_but_presence(theirs, timeout=0.3)
    for communicator in (tab1, tab2, theirs):
        await communicator.disconnect()
