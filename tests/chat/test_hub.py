"""The room hub: per-socket bounded queues, seq ordering, resync hints."""

from __future__ import annotations

import asyncio
import json

from collab.realtime import hub


def envelope(seq: int, body: str = "m", skip: int | None = None) -> str:
    return hub.encode(
        frame={"type": "chat.message", "seq": seq, "body": body}, seq=seq, skip_user=skip
    )


async def test_a_socket_that_stops_reading_gets_one_resync_hint_not_unbounded_memory():
    outbox = hub.Outbox(user_id=1, limit=5)
    for n in range(12):
        outbox.deliver(f"frame {n}")
    assert len(outbox.queue) <= 5
    assert hub.RESYNC_FRAME in outbox.queue and outbox.overflows == 2
    sent = []

    async def send(text):
        sent.append(text)

    outbox.start(send)
    await asyncio.sleep(0.01)
    outbox.stop()
    assert json.loads(sent[0]) == {"type": "chat.resync"}


async def test_the_hub_delivers_in_seq_order_when_publishers_race(monkeypatch):
    monkeypatch.setattr(hub, "REORDER_WAIT", 0.05)
    monkeypatch.setattr(hub, "redis_url", lambda: None)
    room_hub = hub.RoomHub(asyncio.get_running_loop())
    outbox = hub.Outbox(user_id=7)
    await room_hub.join(outbox, {42: 0})
    room_hub.dispatch(42, envelope(2))  # seq 2 published before seq 1: held
    assert not outbox.queue
    room_hub.dispatch(42, envelope(1))
    assert [json.loads(t)["seq"] for t in outbox.queue] == [1, 2]
    # A gap that never fills is released after the wait; the client syncs it.
    room_hub.dispatch(42, envelope(4))
    await asyncio.sleep(0.1)
    assert [json.loads(t)["seq"] for t in outbox.queue] == [1, 2, 4]
    # Unordered frames (typing, presence) go straight through, skipping the sender.
    room_hub.dispatch(42, hub.encode(frame={"type": "chat.typing"}, skip_user=7))
    room_hub.dispatch(42, hub.encode(frame={"type": "presence"}))
    assert json.loads(outbox.queue[-1]) == {"type": "presence"}
    room_hub.resync_all()
    assert outbox.queue[-1] == hub.RESYNC_FRAME
    await room_hub.leave(outbox)
    assert room_hub.rooms == {}
    room_hub.dispatch(42, envelope(5))  # nobody here: ignored
    assert len(outbox.queue) == 5


async def test_large_rooms_fan_out_in_chunks(monkeypatch):
    monkeypatch.setattr(hub, "FANOUT_CHUNK", 3)
    monkeypatch.setattr(hub, "redis_url", lambda: None)
    room_hub = hub.RoomHub(asyncio.get_running_loop())
    outboxes = [hub.Outbox(user_id=n) for n in range(10)]
    for outbox in outboxes:
        await room_hub.join(outbox, {1: 0})
    room_hub.dispatch(1, envelope(1))
    await asyncio.sleep(0.01)
    assert all(len(o.queue) == 1 for o in outboxes)


async def test_a_hub_that_loses_redis_resubscribes_and_tells_sockets_to_resync(settings):
    import os

    settings.REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1"
    room_hub = hub.RoomHub(asyncio.get_running_loop())
    outbox = hub.Outbox(user_id=3)
    await room_hub.join(outbox, {987654: 0})
    await asyncio.to_thread(hub.publish, 987654, envelope(1, "before"))
    for _ in range(50):
        if outbox.queue:
            break
        await asyncio.sleep(0.05)
    assert json.loads(outbox.queue.popleft())["body"] == "before"
    await room_hub.pubsub.connection.disconnect()  # Redis drops the subscription
    for _ in range(60):
        if outbox.queue:
            break
        await asyncio.sleep(0.05)
    assert outbox.queue.popleft() == hub.RESYNC_FRAME
    await asyncio.to_thread(hub.publish, 987654, envelope(2, "after"))
    for _ in range(50):
        if outbox.queue:
            break
        await asyncio.sleep(0.05)
    assert json.loads(outbox.queue.popleft())["body"] == "after"
    await room_hub.leave(outbox)
    room_hub.reader.cancel()
    await room_hub.pubsub.aclose()
