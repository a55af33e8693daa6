"""The `/ws/` consumer: one connection per browser tab for all of a person's live events."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from collab import presence, realtime
from collab.errors import DomainError
from collab.realtime import hub

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024
CLOSE_UNAUTHORIZED = 4401
CLOSE_TOO_BIG = 1009


def in_thread(func):
    """Run database work in a pooled thread, in parallel with other sockets' work.

    Channels' default (one shared thread for the whole process) would queue every person's
    send behind everyone else's; the room-row lock, not a single thread, orders messages.
    """
    return database_sync_to_async(func, thread_sensitive=False)


# At most one typing frame per room every TYPING_INTERVAL seconds from one socket.
TYPING_INTERVAL = 2.0


class CollabConsumer(AsyncJsonWebsocketConsumer):
    """Authenticate, join the person's group and rooms, validate frames and forward events."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            # Accept, then close with our own code, so the client can tell "log in again"
            # apart from a network failure.
            await self.accept()
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        self.user = user
        self.connection_id = uuid.uuid4().hex
        self.typing_sent: dict[int, float] = {}
        self.groups_joined = [realtime.user_group(user.pk)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        # Join the hub before accepting: frames published from now on are queued, not lost.
        self.outbox = hub.Outbox(user.pk)
        self.hub = hub.get_hub()
        self.rooms = await database_sync_to_async(_room_seqs)(user)
        await self.hub.join(self.outbox, self.rooms)
        await self.accept()
        self.outbox.start(self._send_text)
        self.heartbeat = asyncio.ensure_future(self._heartbeat())

    async def _send_text(self, text: str) -> None:
        await self.send(text_data=text)

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)
        if hasattr(self, "outbox"):
            await self.hub.leave(self.outbox)
            self.outbox.stop()
            self.heartbeat.cancel()
            went_offline = await database_sync_to_async(presence.mark_offline)(
                user_id=self.user.pk, connection_id=self.connection_id
            )
            if went_offline:
                await self._announce_presence(False)

    async def _heartbeat(self) -> None:
        """Refresh this connection's presence until it closes (a crash lets it expire)."""
        try:
            while True:
                came_online = await database_sync_to_async(presence.mark_online)(
                    user_id=self.user.pk, connection_id=self.connection_id
                )
                if came_online:
                    await self._announce_presence(True)
                await asyncio.sleep(presence.HEARTBEAT)
        except asyncio.CancelledError:
            raise
        except Exception:  # presence is best effort; chat keeps working without it
            logger.warning("presence heartbeat failed", exc_info=True)

    async def _announce_presence(self, online: bool) -> None:
        team = await database_sync_to_async(_team_room_id)()
        if team is not None:
            frame = {"type": "presence", "user": self.user.pk, "online": online}
            # Everyone else on the team; a person's own tabs know they are online.
            await realtime.asend_room_frame(team, frame, skip_user=self.user.pk)

    async def receive(self, text_data=None, bytes_data=None):
        if not hasattr(self, "user"):
            return
        if bytes_data is not None:
            await self.send_error("invalid", "Frames must be JSON text, not binary.")
            return
        if len(text_data.encode()) > MAX_FRAME_BYTES:
            await self.close(code=CLOSE_TOO_BIG)
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            await self.send_error("invalid", "Frames must be JSON objects.")
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self.send_error("invalid", 'Frames must be JSON objects with a "type".')
            return
        handler = self.frame_handlers().get(frame["type"])
        if handler is None:
            await self.send_error("invalid", f"Unknown frame type {frame['type'][:40]!r}.")
            return
        try:
            await handler(frame)
        except DomainError as error:
            client_id = frame.get("client_id")
            code = error.code if error.code in ("invalid", "rate_limited") else "forbidden"
            await self.send_error(
                code, error.detail, client_id if isinstance(client_id, str) else None
            )

    def frame_handlers(self) -> dict:
        """Return the coroutine that answers each client frame type."""
        return {
            "ping": self.on_ping,
            "chat.send": self.on_chat_send,
            "chat.sync": self.on_chat_sync,
            "chat.typing": self.on_chat_typing,
            "chat.read": self.on_chat_read,
        }

    async def on_ping(self, frame: dict) -> None:
        await self.send_json({"type": "pong"})

    async def on_chat_send(self, frame: dict) -> None:
        client_id = frame.get("client_id")
        room = _room_field(frame)
        if not isinstance(frame.get("body"), str) or not isinstance(client_id, str):
            raise _invalid('chat.send needs "room", "body" and "client_id".')
        message, created = await in_thread(_send)(self.user, room, frame["body"], client_id)
        if not created:
            # A retry: the stored message goes back to this socket alone.
            await self.send_json(message)

    async def on_chat_sync(self, frame: dict) -> None:
        room = _room_field(frame)
        after = frame.get("after")
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            raise _invalid('chat.sync needs "after": the last seq you hold (0 for none).')
        after = min(after, 2**63 - 1)
        while True:
            texts, last, done = await in_thread(_sync_chunk)(self.user, room, after)
            for text in texts:
                await self.send(text_data=text)
            if done:
                break
            after = last
        await self.send_json({"type": "chat.synced", "room": room, "last": last})

    async def on_chat_typing(self, frame: dict) -> None:
        room = _room_field(frame)
        now = time.monotonic()
        if now - self.typing_sent.get(room, 0) < TYPING_INTERVAL:
            return
        self.typing_sent[room] = now
        await in_thread(_typing)(self.user, room)

    async def on_chat_read(self, frame: dict) -> None:
        room = _room_field(frame)
        seq = frame.get("seq")
        if isinstance(seq, bool) or not isinstance(seq, int):
            raise _invalid('chat.read needs "room" and "seq".')
        await in_thread(_read)(self.user, room, seq)

    async def send_error(self, code: str, detail: str, client_id: str | None = None) -> None:
        frame = {"type": "error", "code": code, "detail": detail}
        if client_id is not None:
            frame["client_id"] = client_id
        await self.send_json(frame)

    # Channel-layer events (see collab/realtime).
    async def collab_frame(self, event: dict) -> None:
        await self.send_json(event["frame"])

    async def collab_close(self, event: dict) -> None:
        await self.close(code=event.get("code", CLOSE_UNAUTHORIZED))

    async def collab_rooms(self, event: dict) -> None:
        """Start or stop following rooms the person joined or left while connected."""
        if not hasattr(self, "outbox"):
            return
        join = {int(k): v for k, v in event.get("join", {}).items()}
        leave = [int(r) for r in event.get("leave", [])]
        if leave:
            await self.hub.leave(self.outbox, leave)
            for room in leave:
                self.rooms.pop(room, None)
        if join:
            self.rooms.update(join)
            await self.hub.join(self.outbox, join)
        await self.send_json({"type": "chat.rooms", "joined": list(join), "left": leave})


def _invalid(detail: str):
    from collab.errors import Invalid

    return Invalid(detail)


def _room_field(frame: dict) -> int:
    room = frame.get("room")
    if isinstance(room, bool) or not isinstance(room, int):
        raise _invalid('This frame needs "room": a room id.')
    return room


# Database work, run in a thread by database_sync_to_async.
def _room_seqs(user) -> dict[int, int]:
    from chat.selectors import room_seqs_for

    return room_seqs_for(user=user)


def _team_room_id() -> int | None:
    from chat.models import Room

    return Room.objects.filter(is_team_channel=True).values_list("pk", flat=True).first()


def _send(user, room, body, client_id):
    from chat.services import message_frame, send_message

    message, created = send_message(author=user, room_id=room, body=body, client_id=client_id)
    return message_frame(message), created


def _sync_chunk(user, room, after) -> tuple[list[str], int, bool]:
    from chat.selectors import SYNC_CHUNK, messages_after
    from chat.services import member_room, message_frame

    room_row = member_room(user=user, room_id=room)
    messages = messages_after(room_id=room_row.pk, after=after)
    texts = [json.dumps(message_frame(m)) for m in messages]
    if len(messages) == SYNC_CHUNK:
        return texts, messages[-1].seq, False
    return texts, room_row.last_seq, True


def _typing(user, room) -> None:
    from chat.services import typing

    typing(user=user, room_id=room)


def _read(user, room, seq) -> None:
    from chat.services import mark_read

    mark_read(user=user, room_id=room, seq=seq)
