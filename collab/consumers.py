"""The `/ws/` consumer: one connection per browser tab for all of a person's live events."""

from __future__ import annotations

import json
import logging

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from collab import realtime

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024
CLOSE_UNAUTHORIZED = 4401
CLOSE_TOO_BIG = 1009


class CollabConsumer(AsyncJsonWebsocketConsumer):
    """Authenticate, join the person's group, validate frames and forward events."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            # Accept, then close with our own code, so the client can tell "log in again"
            # apart from a network failure.
            await self.accept()
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        self.user = user
        self.groups_joined = [realtime.user_group(user.pk)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

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
        await handler(frame)

    def frame_handlers(self) -> dict:
        """Return the coroutine that answers each client frame type."""
        return {"ping": self.on_ping}

    async def on_ping(self, frame: dict) -> None:
        await self.send_json({"type": "pong"})

    async def send_error(self, code: str, detail: str, client_id: str | None = None) -> None:
        frame = {"type": "error", "code": code, "detail": detail}
        if client_id is not None:
            frame["client_id"] = client_id
        await self.send_json(frame)

    # Channel-layer events (see collab/realtime.py).
    async def collab_frame(self, event: dict) -> None:
        await self.send_json(event["frame"])

    async def collab_close(self, event: dict) -> None:
        await self.close(code=event.get("code", CLOSE_UNAUTHORIZED))
