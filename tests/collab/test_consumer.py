"""The /ws/ consumer: who may connect, how frames are checked, what it forwards."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from accounts.services import create_api_token
from collab import realtime
from collab.asgi import application
from tests.factories import UserFactory
from tests.ws import next_frame, receives_nothing_but_presence

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def token_for(user):
    return create_api_token(user=user, name="ws")[1]


@database_sync_to_async
def session_cookie_for(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@database_sync_to_async
def make_user(**kwargs):
    return UserFactory(**kwargs)


def communicator(headers):
    return WebsocketCommunicator(application, "/ws/", headers=headers)


async def assert_refused(ws):
    connected, _ = await ws.connect()
    assert connected  # accepted, then closed with our own code
    assert await ws.receive_output() == {"type": "websocket.close", "code": 4401}


async def test_a_token_header_connects_without_an_origin_and_ping_gets_pong():
    key = await token_for(await make_user())
    ws = communicator([(b"authorization", f"Token {key}".encode())])
    connected, _ = await ws.connect()
    assert connected
    await ws.send_json_to({"type": "ping"})
    assert await ws.receive_json_from() == {"type": "pong"}
    await ws.disconnect()


async def test_a_session_cookie_from_an_allowed_origin_connects():
    cookie = await session_cookie_for(await make_user())
    ws = communicator(
        [
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()),
            (b"origin", b"http://localhost:8000"),
        ]
    )
    connected, _ = await ws.connect()
    assert connected
    await ws.send_json_to({"type": "ping"})
    assert await ws.receive_json_from() == {"type": "pong"}
    await ws.disconnect()


@pytest.mark.parametrize("origin", [b"https://evil.example", b""])
async def test_a_session_cookie_from_a_foreign_or_missing_origin_is_closed_with_4401(origin):
    cookie = await session_cookie_for(await make_user())
    headers = [(b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode())]
    if origin:
        headers.append((b"origin", origin))
    await assert_refused(communicator(headers))


async def test_no_credentials_or_a_bad_token_is_closed_with_4401():
    await assert_refused(communicator([(b"origin", b"http://localhost")]))
    await assert_refused(communicator([(b"authorization", b"Token not-a-real-key")]))


async def test_a_deactivated_persons_token_is_refused():
    user = await make_user(is_active=False)
    key = await token_for(user)
    await assert_refused(communicator([(b"authorization", f"Token {key}".encode())]))


@pytest.fixture
async def connected():
    user = await make_user()
    key = await token_for(user)
    ws = communicator([(b"authorization", f"Token {key}".encode())])
    ok, _ = await ws.connect()
    assert ok
    yield user, ws
    await ws.disconnect()


@pytest.mark.parametrize(
    "text",
    ["not json", "[1, 2]", '{"no_type": 1}', '{"type": 5}', '{"type": "nope"}'],
)
async def test_malformed_frames_get_an_invalid_error_and_the_socket_stays_open(connected, text):
    _user, ws = connected
    await ws.send_to(text_data=text)
    reply = await ws.receive_json_from()
    assert reply["type"] == "error"
    assert reply["code"] == "invalid"
    assert reply["detail"]
    await ws.send_json_to({"type": "ping"})
    assert await ws.receive_json_from() == {"type": "pong"}


async def test_a_binary_frame_gets_an_invalid_error(connected):
    _user, ws = connected
    await ws.send_to(bytes_data=b"\x00\x01")
    assert (await ws.receive_json_from())["code"] == "invalid"


async def test_a_frame_over_64_kb_closes_the_socket_with_1009(connected):
    _user, ws = connected
    await ws.send_to(text_data=json.dumps({"type": "ping", "pad": "x" * 70_000}))
    assert await ws.receive_output() == {"type": "websocket.close", "code": 1009}


async def test_events_published_to_a_person_reach_only_their_sockets(connected):
    user, ws = connected
    other = await make_user()
    other_ws = communicator([(b"authorization", f"Token {await token_for(other)}".encode())])
    assert (await other_ws.connect())[0]
    frame = {"type": "notification", "unread_count": 3}
    await database_sync_to_async(realtime.send_frame_to_users)([user.pk], frame)
    assert await next_frame(ws, "notification") == frame
    assert await receives_nothing_but_presence(other_ws, timeout=0.2)
    await other_ws.disconnect()


async def test_closing_a_persons_connections_closes_their_socket_with_4401(connected):
    user, ws = connected
    await database_sync_to_async(realtime.close_user_connections)(user.pk)
    assert await ws.receive_output() == {"type": "websocket.close", "code": 4401}
