"""Chat fixtures: rooms, people in them, and WebSocket clients with tokens."""

from __future__ import annotations

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from accounts.services import create_api_token
from chat import services
from chat.models import Membership, Room, RoomKind
from collab.routing import websocket_urlpatterns
from collab.websocket import WebSocketAuthMiddleware
from tests.factories import UserFactory

application = WebSocketAuthMiddleware(URLRouter(websocket_urlpatterns))


@pytest.fixture(autouse=True)
def _fresh_rate_limit(settings):
    from django.core.cache import cache

    cache.clear()
    settings.CHAT_RATE_LIMIT = 20
    if settings.REDIS_URL:
        # Presence lives in its own Redis keys; test databases reuse user ids across runs.
        from collab import presence

        keys = list(presence._redis().scan_iter(f"{settings.CACHE_KEY_PREFIX}:presence:*"))
        if keys:
            presence._redis().delete(*keys)


@pytest.fixture
def other(db):
    return UserFactory()


@pytest.fixture
def outsider(db):
    return UserFactory()


@pytest.fixture
def team(db):
    return services.team_channel()


def make_channel(name: str, *people) -> Room:
    room = Room.objects.create(kind=RoomKind.CHANNEL, name=name)
    Membership.objects.bulk_create([Membership(room=room, user=p) for p in people])
    return room


@pytest.fixture
def channel(member, other):
    """A channel with `member` and `other` in it (and not `outsider`)."""
    return make_channel("design", member, other)


@pytest.fixture
def direct(member, other):
    room, _ = services.open_direct_room(user=member, other_id=other.pk)
    return room


def token_for(user) -> str:
    _token, key = create_api_token(user=user, name="test")
    return key


async def connect(key: str) -> WebsocketCommunicator:
    """Open an authenticated socket and wait for it to be accepted."""
    communicator = WebsocketCommunicator(
        application, "/ws/", headers=[(b"authorization", f"Token {key}".encode())]
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def receive_type(communicator, type_: str, timeout: float = 3) -> dict:
    """Return the next frame of `type_`, skipping others (presence, notifications)."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == type_:
            return frame
