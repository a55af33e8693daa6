"""Delivery guarantees: seq under concurrency, across processes, and fixed query counts."""

from __future__ import annotations

import asyncio
import json
import os
import time

import pytest
import websockets
from channels.db import database_sync_to_async
from django.db import connection

from chat import selectors, services
from chat.models import Message
from tests.chat.conftest import connect, make_channel, receive_type, token_for
from tests.factories import UserFactory
from tests.live import daphne

SENDERS = 20
EACH = 3


@pytest.mark.django_db(transaction=True)
async def test_concurrent_senders_get_gap_free_seqs_delivered_in_order_to_everyone():
    # On PostgreSQL the senders really run in parallel (one connection per thread) and the
    # room-row lock orders them; on SQLite, IMMEDIATE transactions serialize the writers.
    people = await database_sync_to_async(lambda: [UserFactory() for _ in range(SENDERS)])()
    room = await database_sync_to_async(make_channel)("busy", *people)
    watchers = [await connect(await database_sync_to_async(token_for)(p)) for p in people[:3]]

    def send_all(person, index):
        for n in range(EACH):
            services.send_message(
                author=person, room_id=room.pk, body=f"{index}-{n}", client_id=f"c{index}-{n}"
            )

    await asyncio.gather(
        *(
            database_sync_to_async(send_all, thread_sensitive=False)(person, index)
            for index, person in enumerate(people)
        )
    )
    total = SENDERS * EACH
    seqs = await database_sync_to_async(
        lambda: list(Message.objects.filter(room=room).values_list("seq", flat=True))
    )()
    assert sorted(seqs) == list(range(1, total + 1))
    for watcher in watchers:
        received = [
            (await receive_type(watcher, "chat.message", timeout=10))["message"]["seq"]
            for _ in range(total)
        ]
        assert received == list(range(1, total + 1))
        while not await watcher.receive_nothing(timeout=0.3):  # and nothing twice
            assert (await watcher.receive_json_from())["type"] != "chat.message"
        await watcher.disconnect()


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1"


@pytest.mark.django_db(transaction=True)
def test_two_web_processes_sharing_redis_deliver_within_a_second():
    if connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip("live processes need a file or PostgreSQL database")
    alice, bob = UserFactory(), UserFactory()
    room = make_channel("across", alice, bob)
    alice_key, bob_key = token_for(alice), token_for(bob)
    env = {"REDIS_URL": redis_url(), "SESSION_COOKIE_SECURE": "false"}
    with daphne(**env) as first, daphne(**env) as second:
        latency, frames = asyncio.run(_send_across(first, second, alice_key, bob_key, room.pk))
    assert latency < 1.0, latency
    assert [f["message"]["body"] for f in frames] == ["across processes", "and back"]


async def _send_across(first: str, second: str, alice_key: str, bob_key: str, room_id: int):
    def ws(url, key):
        return websockets.connect(
            url.replace("http", "ws") + "/ws/",
            additional_headers={"Authorization": f"Token {key}"},
        )

    async def next_message(socket):
        while True:
            frame = json.loads(await asyncio.wait_for(socket.recv(), 5))
            if frame["type"] == "chat.message":
                return frame

    async with ws(first, alice_key) as alice, ws(second, bob_key) as bob:
        await bob.send(json.dumps({"type": "ping"}))  # connected and subscribed
        while json.loads(await asyncio.wait_for(bob.recv(), 5))["type"] != "pong":
            pass
        started = time.monotonic()
        await alice.send(
            json.dumps(
                {
                    "type": "chat.send",
                    "room": room_id,
                    "body": "across processes",
                    "client_id": "x1",
                }
            )
        )
        got = await next_message(bob)
        latency = time.monotonic() - started
        await bob.send(
            json.dumps(
                {"type": "chat.send", "room": room_id, "body": "and back", "client_id": "x2"}
            )
        )
        echo = await next_message(alice)  # her own message comes back as acknowledgement
        assert echo["message"]["client_id"] == "x1"
        back = await next_message(alice)
        return latency, [got, back]


# Query counts ------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("earlier", [1, 50])
def test_sending_runs_a_fixed_number_of_queries(django_assert_num_queries, settings, earlier):
    settings.CHAT_RATE_LIMIT = 1000
    author, other = UserFactory(), UserFactory()
    room = make_channel("q", author, other)
    for n in range(earlier):
        services.send_message(author=author, room_id=room.pk, body="x", client_id=f"e{n}")
    # client-id lookup, savepoint, lock the room (with the membership check), update
    # last_seq, insert the message, move my read marker, release savepoint
    with django_assert_num_queries(7):
        services.send_message(author=author, room_id=room.pk, body="hello", client_id="new")


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 50])
def test_room_list_runs_a_fixed_number_of_queries(django_assert_num_queries, count):
    person = UserFactory()
    for n in range(count):
        other = UserFactory()
        channel = make_channel(f"room{n}", person, other)
        services.send_message(author=other, room_id=channel.pk, body="m", client_id=f"r{n}")
        direct, _ = services.open_direct_room(user=person, other_id=other.pk)
        services.send_message(author=other, room_id=direct.pk, body="d", client_id=f"d{n}")
    # memberships with rooms (+ last message id), last messages with authors, direct partners
    with django_assert_num_queries(3):
        rooms = selectors.rooms_for(user=person)
    assert len(rooms) == 2 * count + 1
    assert all(r.unread_count == 1 for r in rooms if not r.is_team_channel)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 50])
def test_history_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, settings, count
):
    settings.CHAT_RATE_LIMIT = 1000
    person = UserFactory()
    room = make_channel("h", person)
    for n in range(count):
        services.send_message(author=person, room_id=room.pk, body="m", client_id=f"h{n}")
    client.force_login(person)
    # session, user, room with membership check, the page of messages with authors
    with django_assert_num_queries(4):
        response = client.get(f"/api/v1/rooms/{room.pk}/messages/")
    assert len(response.json()["results"]) == count
