"""The reference for ws_fanout.py: chat the Channels-tutorial way, for comparison only.

One `group_send` per message through the channel layer (one channel-layer message per
recipient), nothing stored, no replay: what the room hub replaces. Messages are numbered with a
Redis counter so the benchmark can count what was lost. Run with REDIS_URL set:

    daphne -p 8652 tests.load.tutorial_asgi:application
    python tests/load/ws_fanout.py --reference --url ws://127.0.0.1:8652/ws/ ...
"""

from __future__ import annotations

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collab.settings")
django.setup()

import redis.asyncio  # noqa: E402
from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import path  # noqa: E402

SEQ_KEY = "bench-tutorial-seq"
GROUP = "bench-tutorial"
AUTHOR = {"id": 0, "username": "bench", "display_name": "Bench", "role": "developer"}


class TutorialConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.redis = redis.asyncio.Redis.from_url(settings.REDIS_URL)
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(GROUP, self.channel_name)
        await self.redis.aclose()

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "chat.send":
            seq = await self.redis.incr(SEQ_KEY)
            message = {
                "id": seq,
                "room": content["room"],
                "seq": seq,
                "author": AUTHOR,
                "body": content["body"],
                "html": "",
                "created_at": time.time(),
                "client_id": content["client_id"],
            }
            await self.channel_layer.group_send(GROUP, {"type": "chat.message", "message": message})
        elif content.get("type") == "chat.sync":
            # No history to replay: what was dropped stays lost.
            last = int(await self.redis.get(SEQ_KEY) or 0)
            await self.send_json({"type": "chat.synced", "room": content["room"], "last": last})

    async def chat_message(self, event):
        await self.send_json({"type": "chat.message", "message": event["message"]})


application = ProtocolTypeRouter(
    {"websocket": URLRouter([path("ws/", TutorialConsumer.as_asgi())])}
)
