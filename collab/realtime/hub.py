"""The room hub: one per web process, it writes room frames straight to local sockets.

Fan-out is the hot path. Instead of one channel-layer message per recipient, a service encodes
a room's frame once and publishes it; each web process holds one Redis pub/sub subscription per
room that has local members and writes the text to those sockets itself. Without Redis (the
embedded default) publishing hands the frame to the hubs of this process directly.

Delivery is at most once here; `seq` and `chat.sync` make it exact. A socket that cannot keep
up loses its queued frames and gets one resync hint; a hub that loses Redis re-subscribes and
tells every socket to resync.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from functools import cache

from django.conf import settings

logger = logging.getLogger(__name__)

# Frames a socket may have queued before it is considered stuck.
OUTBOX_LIMIT = 1000
# How long a message that arrives ahead of a missing seq waits for it (publishers race
# between commit and publish); after that it is delivered and clients fill the gap by sync.
REORDER_WAIT = 0.3
# Rooms bigger than this fan out in chunks, letting the event loop breathe in between.
FANOUT_CHUNK = 500

RESYNC_FRAME = json.dumps({"type": "chat.resync"})


class Outbox:
    """A bounded queue of frames for one socket, written by its own task."""

    def __init__(self, user_id: int, limit: int = OUTBOX_LIMIT):
        self.user_id = user_id
        self.limit = limit
        self.queue: deque[str] = deque()
        self.wakeup = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.overflows = 0

    def deliver(self, text: str) -> None:
        """Queue a frame; when the socket has fallen too far behind, queue one resync hint."""
        if len(self.queue) >= self.limit:
            self.queue.clear()
            self.queue.append(RESYNC_FRAME)
            self.overflows += 1
        else:
            self.queue.append(text)
        self.wakeup.set()

    def start(self, send: Callable[[str], Awaitable[None]]) -> None:
        """Start writing (the socket is accepted); frames queued before are sent first."""
        self.task = asyncio.ensure_future(self._write(send))

    async def _write(self, send) -> None:
        queue = self.queue
        while True:
            await self.wakeup.wait()
            self.wakeup.clear()
            while queue:
                await send(queue.popleft())

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None


def encode(*, frame: dict, seq: int = 0, skip_user: int | None = None) -> str:
    """Return the envelope published for a room: `<seq>:<skip user>:<frame JSON>`."""
    return f"{seq}:{skip_user or ''}:{json.dumps(frame, separators=(',', ':'))}"


def decode(envelope: str) -> tuple[int, int | None, str]:
    seq, skip, text = envelope.split(":", 2)
    return int(seq), int(skip) if skip else None, text


class RoomHub:
    """The rooms of one event loop (one web process) and the sockets in them."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.rooms: dict[int, set[Outbox]] = {}
        self.next_seq: dict[int, int] = {}
        self.held: dict[int, dict[int, tuple[int | None, str]]] = {}
        self.pubsub = None
        self.client = None
        self.reader: asyncio.Task | None = None
        self.lock = asyncio.Lock()

    # Membership of sockets ----------------------------------------------------------------
    async def join(self, outbox: Outbox, rooms: dict[int, int]) -> None:
        """Add a socket to rooms (`room id -> last seq` known when joining)."""
        new = []
        for room_id, last_seq in rooms.items():
            members = self.rooms.get(room_id)
            if members is None:
                members = self.rooms[room_id] = set()
                self.next_seq[room_id] = last_seq + 1
                new.append(room_id)
            members.add(outbox)
        if new and redis_url():
            await self._subscribe(new)

    async def leave(self, outbox: Outbox, room_ids: Iterable[int] | None = None) -> None:
        """Remove a socket from some rooms, or from all of them."""
        gone = []
        for room_id in list(self.rooms) if room_ids is None else list(room_ids):
            members = self.rooms.get(room_id)
            if members is None:
                continue
            members.discard(outbox)
            if not members:
                del self.rooms[room_id]
                self.next_seq.pop(room_id, None)
                self.held.pop(room_id, None)
                gone.append(room_id)
        if gone and self.pubsub is not None:
            try:
                async with self.lock:
                    await self.pubsub.unsubscribe(*[room_channel(r) for r in gone])
            except Exception:  # the reader notices a broken connection and recovers
                logger.warning("could not unsubscribe from %s", gone, exc_info=True)

    # Delivery -------------------------------------------------------------------------------
    def dispatch(self, room_id: int, envelope: str) -> None:
        """Deliver one published envelope to the local sockets of a room, in seq order."""
        if room_id not in self.rooms:
            return
        seq, skip, text = decode(envelope)
        if not seq:
            self._fan_out(room_id, skip, text)
            return
        expected = self.next_seq.get(room_id, seq)
        if seq > expected:
            # A publisher that committed later was quicker to publish: hold this one briefly.
            held = self.held.setdefault(room_id, {})
            if not held:
                self.loop.call_later(REORDER_WAIT, self._release, room_id, expected)
            held[seq] = (skip, text)
            return
        self._fan_out(room_id, skip, text)
        if seq == expected:
            self.next_seq[room_id] = seq + 1
            self._drain(room_id)

    def _drain(self, room_id: int) -> None:
        held = self.held.get(room_id)
        while held:
            seq = self.next_seq[room_id]
            if seq not in held:
                return
            skip, text = held.pop(seq)
            self._fan_out(room_id, skip, text)
            self.next_seq[room_id] = seq + 1

    def _release(self, room_id: int, waited_for: int) -> None:
        """Give up waiting for a missing seq: deliver what is held; clients sync the gap."""
        held = self.held.get(room_id)
        if not held or self.next_seq.get(room_id, 0) > waited_for:
            if held:
                self.loop.call_later(REORDER_WAIT, self._release, room_id, self.next_seq[room_id])
            return
        for seq in sorted(held):
            skip, text = held[seq]
            self._fan_out(room_id, skip, text)
            self.next_seq[room_id] = seq + 1
        held.clear()

    def _fan_out(self, room_id: int, skip: int | None, text: str) -> None:
        members = self.rooms.get(room_id)
        if not members:
            return
        if len(members) <= FANOUT_CHUNK:
            for outbox in members:
                if outbox.user_id != skip:
                    outbox.deliver(text)
            return
        self.loop.create_task(self._fan_out_chunked(list(members), skip, text))

    async def _fan_out_chunked(self, members: list[Outbox], skip: int | None, text: str) -> None:
        for start in range(0, len(members), FANOUT_CHUNK):
            for outbox in members[start : start + FANOUT_CHUNK]:
                if outbox.user_id != skip:
                    outbox.deliver(text)
            await asyncio.sleep(0)

    def resync_all(self) -> None:
        """Tell every local socket to resync (frames may have been lost)."""
        sockets = {outbox for members in self.rooms.values() for outbox in members}
        for outbox in sockets:
            outbox.deliver(RESYNC_FRAME)

    # Redis ----------------------------------------------------------------------------------
    async def _subscribe(self, room_ids: list[int]) -> None:
        async with self.lock:
            if self.pubsub is None:
                self.pubsub = async_redis(socket_timeout=None).pubsub()
            await self.pubsub.subscribe(*[room_channel(r) for r in room_ids])
            if self.reader is None or self.reader.done():
                self.reader = self.loop.create_task(self._read())

    async def _read(self) -> None:
        prefix_len = len(room_channel(0)) - 1
        while True:
            try:
                message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("room hub lost Redis; re-subscribing", exc_info=True)
                await self._recover()
                continue
            if message is None or message.get("type") != "message":
                continue
            try:
                room_id = int(message["channel"][prefix_len:])
                self.dispatch(room_id, message["data"].decode())
            except Exception:  # one bad envelope must not stop the room
                logger.exception("could not dispatch %r", message.get("channel"))

    async def _recover(self) -> None:
        while True:
            await asyncio.sleep(0.5)
            try:
                async with self.lock:
                    old, self.pubsub = self.pubsub, async_redis(socket_timeout=None).pubsub()
                    with contextlib.suppress(Exception):  # the old connection is broken
                        await old.aclose()
                    if self.rooms:
                        await self.pubsub.subscribe(*[room_channel(r) for r in self.rooms])
                break
            except Exception:
                logger.warning("Redis still unavailable", exc_info=True)
        self.resync_all()


_hubs: dict[asyncio.AbstractEventLoop, RoomHub] = {}
_hubs_lock = threading.Lock()


def get_hub() -> RoomHub:
    """Return the hub of the running event loop (one per web process)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        with _hubs_lock:
            for old in [old for old in _hubs if old.is_closed()]:
                del _hubs[old]
            hub = _hubs[loop] = RoomHub(loop)
    return hub


def redis_url() -> str | None:
    return settings.REDIS_URL


def room_channel(room_id: int) -> str:
    """Return the Redis pub/sub channel of a room (pub/sub ignores db numbers: prefix them)."""
    return f"{channel_prefix()}room.{room_id}"


@cache
def channel_prefix() -> str:
    from collab.config import redis_db_of

    layer_prefix = settings.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("prefix", "asgi")
    return f"{layer_prefix}:{redis_db_of(settings.REDIS_URL or '')}:"


@cache
def sync_redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=2)


def async_redis(*, socket_timeout: float | None = 5):
    import redis.asyncio

    return redis.asyncio.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=socket_timeout
    )


def publish(room_id: int, envelope: str) -> None:
    """Publish an envelope to every web process's hub (from synchronous code, now)."""
    if redis_url():
        sync_redis().publish(room_channel(room_id), envelope)
        return
    for loop, hub in list(_hubs.items()):
        if not loop.is_closed():
            loop.call_soon_threadsafe(hub.dispatch, room_id, envelope)


async def apublish(room_id: int, envelope: str) -> None:
    """Publish an envelope from the event loop."""
    hub = get_hub()
    if redis_url():
        if hub.client is None:
            hub.client = async_redis()
        await hub.client.publish(room_channel(room_id), envelope)
        return
    hub.dispatch(room_id, envelope)
