"""The `/ws/` consumer: every chat frame and every refusal, over WebsocketCommunicator."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from chat import services
from chat.models import Membership, Message
from tests.chat.conftest import application, connect, make_channel, receive_type, token_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(db):
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    channel = make_channel("ws", a, b)
    return {
        "a": a,
        "b": b,
        "c": c,
        "channel": channel,
        "keys": {name: token_for(user) for name, user in (("a", a), ("b", b), ("c", c))},
    }


async def quiet(communicator, seconds=0.3):
    """Assert the socket receives no chat frame for a moment."""
    # receive_nothing, unlike a receive that times out, leaves the application running.
    while not await communicator.receive_nothing(timeout=seconds):
        frame = await communicator.receive_json_from()
        assert not frame["type"].startswith("chat."), frame


async def test_refused_handshakes_close_with_4401(people):
    anonymous = WebsocketCommunicator(application, "/ws/")
    connected, _ = await anonymous.connect()
    assert connected
    assert (await anonymous.receive_output(timeout=2))["code"] == 4401
    bad = WebsocketCommunicator(application, "/ws/", headers=[(b"authorization", b"Token no")])
    await bad.connect()
    assert (await bad.receive_output(timeout=2))["code"] == 4401


async def test_send_delivers_to_every_member_once_with_the_client_id(people):
    a = await connect(people["keys"]["a"])
    b = await connect(people["keys"]["b"])
    c = await connect(people["keys"]["c"])
    room = people["channel"].pk
    await a.send_json_to({"type": "chat.send", "room": room, "body": "hi *all*", "client_id": "k1"})
    echo = await receive_type(a, "chat.message")
    assert echo["message"]["client_id"] == "k1" and echo["message"]["seq"] == 1
    got = await receive_type(b, "chat.message")
    assert got["message"]["html"] == "<p>hi <em>all</em></p>"
    assert got["message"]["author"]["id"] == people["a"].pk
    await quiet(b)
    await quiet(c)  # not a member: receives nothing
    for ws in (a, b, c):
        await ws.disconnect()


async def test_a_repeated_client_id_stores_one_and_answers_the_sender_alone(people):
    a = await connect(people["keys"]["a"])
    b = await connect(people["keys"]["b"])
    room = people["channel"].pk
    frame = {"type": "chat.send", "room": room, "body": "once", "client_id": "dup"}
    for _ in range(3):
        await a.send_json_to(frame)
    for _ in range(3):
        assert (await receive_type(a, "chat.message"))["message"]["client_id"] == "dup"
    await receive_type(b, "chat.message")
    await quiet(b)
    assert await database_sync_to_async(Message.objects.count)() == 1
    await a.disconnect()
    await b.disconnect()


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "chat.send", "room": "x", "body": "a", "client_id": "c"},
        {"type": "chat.send", "body": "a", "client_id": "c"},
        {"type": "chat.send", "room": 1, "client_id": "c"},
        {"type": "chat.send", "room": 1, "body": "a"},
        {"type": "chat.send", "room": 1, "body": " ", "client_id": "c"},
        {"type": "chat.send", "room": 1, "body": "x" * 4001, "client_id": "c"},
        {"type": "chat.send", "room": 1, "body": "a", "client_id": "bad id"},
        {"type": "chat.sync", "room": 1},
        {"type": "chat.sync", "room": 1, "after": -1},
        {"type": "chat.sync", "room": 1, "after": True},
        {"type": "chat.read", "room": 1, "seq": 10**30},
        {"type": "chat.read", "room": 1},
        {"type": "chat.typing"},
        {"type": "nope"},
        {"no": "type"},
        [1, 2],
    ],
)
async def test_invalid_frames_get_an_invalid_error_and_the_socket_stays_open(people, frame):
    a = await connect(people["keys"]["a"])
    if isinstance(frame, dict) and frame.get("room") == 1:
        frame["room"] = people["channel"].pk
    await a.send_json_to(frame)
    error = await receive_type(a, "error")
    assert error["code"] == "invalid" and error["detail"]
    if isinstance(frame, dict) and frame.get("client_id"):
        assert error["client_id"] == frame["client_id"]
    await a.send_json_to({"type": "ping"})
    assert (await receive_type(a, "pong"))["type"] == "pong"
    assert await database_sync_to_async(Message.objects.count)() == 0
    await a.disconnect()


async def test_non_json_and_binary_frames_are_invalid_and_huge_ones_close_1009(people):
    a = await connect(people["keys"]["a"])
    await a.send_to(text_data="{not json")
    assert (await receive_type(a, "error"))["code"] == "invalid"
    await a.send_to(bytes_data=b"\x00\x01")
    assert (await receive_type(a, "error"))["code"] == "invalid"
    await a.send_to(text_data=json.dumps({"type": "ping", "pad": "x" * 70000}))
    while True:
        output = await a.receive_output(timeout=2)
        if output["type"] == "websocket.close":
            assert output["code"] == 1009
            break
    await a.disconnect()


async def test_sending_to_a_room_i_am_not_in_is_forbidden_and_stores_nothing(people):
    c = await connect(people["keys"]["c"])
    b = await connect(people["keys"]["b"])
    room = people["channel"].pk
    await c.send_json_to({"type": "chat.send", "room": room, "body": "x", "client_id": "in"})
    error = await receive_type(c, "error")
    assert error["code"] == "forbidden" and error["client_id"] == "in"
    for frame in (
        {"type": "chat.send", "room": 10**30, "body": "x", "client_id": "big"},
        {"type": "chat.sync", "room": 10**30, "after": 10**30},
        {"type": "chat.sync", "room": room, "after": 0},
        {"type": "chat.typing", "room": room},
        {"type": "chat.read", "room": room, "seq": 1},
    ):
        await c.send_json_to(frame)
        assert (await receive_type(c, "error"))["code"] == "forbidden"
    await quiet(b)
    assert await database_sync_to_async(Message.objects.count)() == 0
    await c.disconnect()
    await b.disconnect()


async def test_the_rate_limit_refuses_with_rate_limited_and_stores_nothing(people, settings):
    settings.CHAT_RATE_LIMIT = 3
    a = await connect(people["keys"]["a"])
    room = people["channel"].pk
    for n in range(4):
        await a.send_json_to(
            {"type": "chat.send", "room": room, "body": "m", "client_id": f"rl{n}"}
        )
    for _ in range(3):
        await receive_type(a, "chat.message")
    error = await receive_type(a, "error")
    assert error == {
        "type": "error",
        "code": "rate_limited",
        "detail": error["detail"],
        "client_id": "rl3",
    }
    assert await database_sync_to_async(Message.objects.count)() == 3
    await a.disconnect()


async def test_sync_replays_exactly_what_was_missed_then_synced(people):
    room = people["channel"]
    a = await connect(people["keys"]["a"])
    await a.send_json_to({"type": "chat.send", "room": room.pk, "body": "1", "client_id": "s1"})
    await receive_type(a, "chat.message")
    await a.disconnect()  # a drops; b sends three while a is away
    for n in range(3):
        await database_sync_to_async(services.send_message)(
            author=people["b"], room_id=room.pk, body=f"missed {n}", client_id=f"m{n}"
        )
    a = await connect(people["keys"]["a"])
    await a.send_json_to({"type": "chat.sync", "room": room.pk, "after": 1})
    replayed = [await receive_type(a, "chat.message") for _ in range(3)]
    assert [f["message"]["seq"] for f in replayed] == [2, 3, 4]
    assert [f["message"]["body"] for f in replayed] == ["missed 0", "missed 1", "missed 2"]
    assert await receive_type(a, "chat.synced") == {
        "type": "chat.synced",
        "room": room.pk,
        "last": 4,
    }
    await a.disconnect()


async def test_typing_reaches_the_other_members_only(people):
    a = await connect(people["keys"]["a"])
    b = await connect(people["keys"]["b"])
    room = people["channel"].pk
    await a.send_json_to({"type": "chat.typing", "room": room})
    typing = await receive_type(b, "chat.typing")
    assert typing["room"] == room and typing["user"]["id"] == people["a"].pk
    await quiet(a)
    await a.disconnect()
    await b.disconnect()


async def test_read_moves_the_marker_and_tells_my_other_tabs(people):
    room = people["channel"]
    for n in range(2):
        await database_sync_to_async(services.send_message)(
            author=people["b"], room_id=room.pk, body="m", client_id=f"rd{n}"
        )
    tab1 = await connect(people["keys"]["a"])
    tab2 = await connect(people["keys"]["a"])
    await tab1.send_json_to({"type": "chat.read", "room": room.pk, "seq": 2})
    for tab in (tab1, tab2):
        frame = await receive_type(tab, "chat.read")
        assert frame == {"type": "chat.read", "room": room.pk, "user": people["a"].pk, "seq": 2}
    membership = await database_sync_to_async(Membership.objects.get)(room=room, user=people["a"])
    assert membership.read_seq == 2
    await tab1.disconnect()
    await tab2.disconnect()


async def test_a_room_joined_while_connected_starts_arriving_and_a_left_one_stops(people):
    lead = await database_sync_to_async(UserFactory)(role="project_manager")
    new = await database_sync_to_async(services.create_channel)(user=lead, name="later")
    c = await connect(people["keys"]["c"])
    await database_sync_to_async(services.join_channel)(user=people["c"], room_id=new.pk)
    assert (await receive_type(c, "chat.rooms"))["joined"] == [new.pk]
    await database_sync_to_async(services.send_message)(author=lead, room_id=new.pk, body="hey")
    assert (await receive_type(c, "chat.message"))["message"]["body"] == "hey"
    await database_sync_to_async(services.leave_channel)(user=people["c"], room_id=new.pk)
    assert (await receive_type(c, "chat.rooms"))["left"] == [new.pk]
    await database_sync_to_async(services.send_message)(author=lead, room_id=new.pk, body="gone")
    await quiet(c)
    await c.disconnect()


async def test_edits_and_deletes_arrive_as_chat_updated(people):
    room = people["channel"].pk
    message, _ = await database_sync_to_async(services.send_message)(
        author=people["a"], room_id=room, body="v1", client_id="u1"
    )
    b = await connect(people["keys"]["b"])
    await database_sync_to_async(services.edit_message)(
        user=people["a"], message_id=message.pk, body="v2"
    )
    assert (await receive_type(b, "chat.updated"))["message"]["body"] == "v2"
    await database_sync_to_async(services.delete_message)(user=people["a"], message_id=message.pk)
    deleted = (await receive_type(b, "chat.updated"))["message"]
    assert deleted["deleted"] and deleted["body"] == "" and deleted["seq"] == 1
    await b.disconnect()


async def test_presence_is_announced_to_the_team(people):
    b = await connect(people["keys"]["b"])
    a = await connect(people["keys"]["a"])
    frame = await receive_type(b, "presence")
    assert frame == {"type": "presence", "user": people["a"].pk, "online": True}
    await a.disconnect()
    frame = await receive_type(b, "presence")
    assert frame == {"type": "presence", "user": people["a"].pk, "online": False}
    await b.disconnect()


async def test_a_direct_message_reaches_only_its_two_people(people):
    room, _ = await database_sync_to_async(services.open_direct_room)(
        user=people["a"], other_id=people["c"].pk
    )
    a = await connect(people["keys"]["a"])
    b = await connect(people["keys"]["b"])
    c = await connect(people["keys"]["c"])
    await a.send_json_to({"type": "chat.send", "room": room.pk, "body": "psst", "client_id": "d"})
    assert (await receive_type(c, "chat.message"))["message"]["body"] == "psst"
    notification = await receive_type(c, "notification")
    assert notification["notification"]["kind"] == "direct_message"
    await quiet(b)
    for ws in (a, b, c):
        await ws.disconnect()
