"""The only place that knows group names and talks to the channel layer.

Everything here is called after commit (`transaction.on_commit`), so nobody is told about a row
that was rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

LEADS_GROUP = "leads"

# Channel-layer message types; a consumer handles each with the method of the same name
# (dots become underscores).
FRAME_EVENT = "collab.frame"
CLOSE_EVENT = "collab.close"


def user_group(user_id: int) -> str:
    """Return the group that every open socket of one person joins."""
    return f"user.{user_id}"


def send_frame_to_users(user_ids: Iterable[int], frame: dict) -> None:
    """Send one JSON frame to every open socket of each person, now."""
    layer = get_channel_layer()
    for user_id in set(user_ids):
        try:
            async_to_sync(layer.group_send)(
                user_group(user_id), {"type": FRAME_EVENT, "frame": frame}
            )
        except Exception:  # the database is the record; a lost frame is recovered on reload
            logger.exception("could not publish %s to user %s", frame.get("type"), user_id)


def send_frames_to_users(frames: Iterable[tuple[int, dict]]) -> None:
    """Send each (person, frame) pair to that person's sockets, now, in one event-loop hop."""
    layer = get_channel_layer()

    async def send_all():
        for user_id, frame in frames:
            try:
                await layer.group_send(user_group(user_id), {"type": FRAME_EVENT, "frame": frame})
            except Exception:  # the database is the record; a lost frame is recovered on reload
                logger.exception("could not publish %s to user %s", frame.get("type"), user_id)

    async_to_sync(send_all)()


def publish_to_users(user_ids: Iterable[int], frame: dict) -> None:
    """Send a frame to people's sockets once the current transaction commits."""
    transaction.on_commit(partial(send_frame_to_users, list(user_ids), frame))


def close_user_connections(user_id: int, *, code: int = 4401) -> None:
    """Close every open socket of one person, now (after deactivation, for instance)."""
    async_to_sync(get_channel_layer().group_send)(
        user_group(user_id), {"type": CLOSE_EVENT, "code": code}
    )


# Rooms: frames for everyone in a room go through the room hub, encoded once ----------------
ROOMS_EVENT = "collab.rooms"


def send_room_frame(room_id: int, frame: dict, *, seq: int = 0, skip_user: int | None = None):
    """Deliver a frame to every connected member of a room, now (`seq` orders messages)."""
    from collab.realtime import hub

    try:
        hub.publish(room_id, hub.encode(frame=frame, seq=seq, skip_user=skip_user))
    except Exception:  # the database is the record: clients resync from it
        logger.exception("could not publish %s to room %s", frame.get("type"), room_id)


def publish_to_room(room_id: int, frame: dict, *, seq: int = 0, skip_user: int | None = None):
    """Deliver a frame to a room's connected members once the current transaction commits."""
    transaction.on_commit(partial(send_room_frame, room_id, frame, seq=seq, skip_user=skip_user))


async def asend_room_frame(room_id: int, frame: dict, *, skip_user: int | None = None):
    """Deliver a frame to a room's connected members from async code (presence)."""
    from collab.realtime import hub

    try:
        await hub.apublish(room_id, hub.encode(frame=frame, skip_user=skip_user))
    except Exception:
        logger.exception("could not publish %s to room %s", frame.get("type"), room_id)


def send_room_changes(user_id: int, *, join: dict[int, int] | None = None, leave=()) -> None:
    """Tell a person's open sockets to start (`room id -> last seq`) or stop following rooms."""
    layer = get_channel_layer()
    event = {
        "type": ROOMS_EVENT,
        "join": {str(k): v for k, v in (join or {}).items()},
        "leave": list(leave),
    }
    try:
        async_to_sync(layer.group_send)(user_group(user_id), event)
    except Exception:
        logger.exception("could not tell user %s about room changes", user_id)


def publish_room_changes(user_id: int, *, join: dict[int, int] | None = None, leave=()) -> None:
    """Tell a person's sockets about joined or left rooms once the transaction commits."""
    transaction.on_commit(partial(send_room_changes, user_id, join=join, leave=list(leave)))
