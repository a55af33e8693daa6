"""Every change to chat: rooms, memberships, messages, read markers, typing."""

from __future__ import annotations

import contextlib
import re
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Permission, has_permission, require_permission
from chat.models import TEAM_CHANNEL_NAME, Membership, Message, Room, RoomKind
from chat.rendering import mentioned_usernames, render_markdown
from collab import realtime
from collab.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from collab.models import NotificationKind
from collab.services import mark_notifications_read, notify

MAX_BODY = 4000
CLIENT_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
CHANNEL_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")
# Ids and seqs are 64-bit in the database: a bigger number would be a database error, not a 404.
MAX_INT = 2**63 - 1


def as_id(value) -> int | None:
    """Return `value` as a database id, or None when it cannot be one."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_INT else None


# Validation --------------------------------------------------------------------------------
def clean_body(body) -> str:
    """Return the trimmed body, or raise `Invalid` unless it has 1 to 4,000 characters."""
    if not isinstance(body, str):
        raise Invalid("The message must be text.", fields={"body": ["Must be text."]})
    body = body.strip()
    if not body or len(body) > MAX_BODY:
        raise Invalid(
            f"A message has 1 to {MAX_BODY:,} characters.",
            fields={"body": [f"1 to {MAX_BODY:,} characters."]},
        )
    return body


def clean_client_id(client_id) -> str:
    if not isinstance(client_id, str) or not CLIENT_ID_RE.fullmatch(client_id):
        raise Invalid(
            "client_id is 1 to 64 letters, digits, - or _.",
            fields={"client_id": ["1 to 64 letters, digits, - or _."]},
        )
    return client_id


def room_url(room_id: int, seq: int | None = None) -> str:
    return f"/chat/{room_id}/" + (f"?seq={seq}" if seq else "")


# Rate limit --------------------------------------------------------------------------------
def _rate_key(user_id: int, bucket: int) -> str:
    return f"chat-rate:{user_id}:{bucket}"


def take_send_slot(user_id: int) -> None:
    """Count one accepted message, or raise `RateLimited` (shared by every process).

    A sliding window from two fixed buckets in the cache (Redis when configured): the previous
    bucket counts in proportion to how much of it still lies within the window.
    """
    limit, window = settings.CHAT_RATE_LIMIT, settings.CHAT_RATE_WINDOW
    now = time.time()
    bucket = int(now // window)
    keys = [_rate_key(user_id, bucket), _rate_key(user_id, bucket - 1)]
    found = cache.get_many(keys)
    current, previous = found.get(keys[0], 0), found.get(keys[1], 0)
    overlap = 1 - (now - bucket * window) / window
    if current + previous * overlap >= limit:
        raise RateLimited(
            f"You sent more than {limit} messages in {window} seconds: wait a moment."
        )
    cache.add(keys[0], 0, window * 2 + 1)
    try:
        cache.incr(keys[0])
    except ValueError:  # expired between add and incr
        cache.set(keys[0], 1, window * 2 + 1)


def give_back_send_slot(user_id: int) -> None:
    """Uncount a message whose transaction rolled back."""
    key = _rate_key(user_id, int(time.time() // settings.CHAT_RATE_WINDOW))
    with contextlib.suppress(ValueError):
        cache.decr(key)


# Rooms -------------------------------------------------------------------------------------
def team_channel() -> Room:
    """Return the team channel, creating it the first time."""
    room = Room.objects.filter(is_team_channel=True).first()
    if room is not None:
        return room
    try:
        with transaction.atomic():
            return Room.objects.create(
                kind=RoomKind.CHANNEL, name=TEAM_CHANNEL_NAME, is_team_channel=True
            )
    except IntegrityError:  # created meanwhile by another process
        return Room.objects.get(is_team_channel=True)


def join_team_channel(*, user: User) -> Membership:
    """Make a person a member of the team channel (idempotent)."""
    room = team_channel()
    membership, _ = Membership.objects.get_or_create(
        room=room, user=user, defaults={"read_seq": room.last_seq}
    )
    return membership


def member_room(*, user: User, room_id, lock: bool = False) -> Room:
    """Return a room `user` belongs to, or raise `NotFound` (others may not know it exists)."""
    room_id = as_id(room_id)
    if room_id is None:
        raise NotFound("No such room.")
    rooms = Room.objects.filter(pk=room_id, memberships__user=user)
    if lock:
        rooms = rooms.select_for_update(of=("self",))
    room = rooms.first()
    if room is None:
        raise NotFound("No such room.")
    return room


@transaction.atomic
def open_direct_room(*, user: User, other_id) -> tuple[Room, bool]:
    """Return the direct room of `user` and another person (created the first time)."""
    require_permission(user, Permission.CHAT)
    other = User.objects.filter(pk=as_id(other_id) or 0, is_active=True).first()
    if other is None:
        raise NotFound("No such person.")
    if other.pk == user.pk:
        raise Invalid("You cannot open a direct room with yourself.", fields={"user": ["Self."]})
    low, high = sorted([user.pk, other.pk])
    key = f"{low}:{high}"
    room = Room.objects.filter(direct_key=key).first()
    if room is not None:
        return room, False
    try:
        with transaction.atomic():
            room = Room.objects.create(kind=RoomKind.DIRECT, direct_key=key, created_by=user)
            Membership.objects.bulk_create(
                [Membership(room=room, user=user), Membership(room=room, user=other)]
            )
    except IntegrityError:  # the other person opened it at the same moment
        return Room.objects.get(direct_key=key), False
    for person in (user, other):
        realtime.publish_room_changes(person.pk, join={room.pk: 0})
    return room, True


@transaction.atomic
def create_channel(*, user: User, name: str, topic: str = "") -> Room:
    """Create a channel (leads) and make its creator a member."""
    require_permission(user, Permission.MANAGE_CHANNELS)
    name = (name or "").strip().lower().lstrip("#")
    if not CHANNEL_NAME_RE.fullmatch(name):
        raise Invalid(
            "A channel name is 1 to 80 lowercase letters, digits, - or _.",
            fields={"name": ["1 to 80 lowercase letters, digits, - or _."]},
        )
    topic = (topic or "").strip()
    if len(topic) > 250:
        raise Invalid("A topic has at most 250 characters.", fields={"topic": ["Too long."]})
    if Room.objects.filter(kind=RoomKind.CHANNEL, name=name).exists():
        raise Conflict(f"There is already a #{name}.", fields={"name": ["Already taken."]})
    try:
        with transaction.atomic():
            room = Room.objects.create(
                kind=RoomKind.CHANNEL, name=name, topic=topic, created_by=user
            )
    except IntegrityError:
        raise Conflict(f"There is already a #{name}.", fields={"name": ["Taken."]}) from None
    Membership.objects.create(room=room, user=user)
    realtime.publish_room_changes(user.pk, join={room.pk: 0})
    return room


@transaction.atomic
def join_channel(*, user: User, room_id) -> Membership:
    """Join a channel; its messages start arriving on the person's open sockets."""
    require_permission(user, Permission.CHAT)
    room = Room.objects.filter(pk=as_id(room_id) or 0, kind=RoomKind.CHANNEL).first()
    if room is None:
        raise NotFound("No such channel.")
    membership, created = Membership.objects.get_or_create(
        room=room, user=user, defaults={"read_seq": room.last_seq}
    )
    if created:
        realtime.publish_room_changes(user.pk, join={room.pk: room.last_seq})
    return membership


@transaction.atomic
def leave_channel(*, user: User, room_id) -> None:
    """Leave a channel (not the team channel); its messages stop arriving at once."""
    room = member_room(user=user, room_id=room_id)
    if room.kind != RoomKind.CHANNEL:
        raise Invalid("You cannot leave a direct room.")
    if room.is_team_channel:
        raise Invalid("Everyone stays in the team channel.")
    Membership.objects.filter(room=room, user=user).delete()
    realtime.publish_room_changes(user.pk, leave=[room.pk])


# Messages ----------------------------------------------------------------------------------
def message_frame(message: Message, type_: str = "chat.message") -> dict:
    from chat.serializers import message_data

    return {"type": type_, "message": message_data(message)}


def send_message(*, author: User, room_id, body, client_id=None) -> tuple[Message, bool]:
    """Store a message once per client id and deliver it after commit.

    Return the message and whether it is new. A repeated client id returns the stored
    message and stores nothing.
    """
    body = clean_body(body)
    client_id = clean_client_id(client_id) if client_id is not None else uuid.uuid4().hex
    require_permission(author, Permission.CHAT)
    existing = (
        Message.objects.filter(author=author, client_id=client_id).select_related("author").first()
    )
    if existing is not None:
        if existing.room_id != as_id(room_id):
            raise Invalid("This client_id was used for a message in another room.")
        return existing, False
    take_send_slot(author.pk)
    try:
        return _store_message(author=author, room_id=room_id, body=body, client_id=client_id)
    except IntegrityError:
        # The same client id raced in from another tab or process: return what was stored.
        give_back_send_slot(author.pk)
        existing = Message.objects.filter(author=author, client_id=client_id).first()
        if existing is None:
            raise
        return existing, False
    except Exception:
        give_back_send_slot(author.pk)
        raise


@transaction.atomic
def _store_message(*, author: User, room_id, body: str, client_id: str) -> tuple[Message, bool]:
    # Locking the room row serializes senders: seqs are gap-free and in commit order.
    room = member_room(user=author, room_id=room_id, lock=True)
    room.last_seq += 1
    Room.objects.filter(pk=room.pk).update(last_seq=room.last_seq)
    message = Message.objects.create(
        room=room,
        seq=room.last_seq,
        author=author,
        client_id=client_id,
        body=body,
        html=render_markdown(body),
    )
    # Sending moves my read marker to my message, so my own messages are never unread.
    Membership.objects.filter(room=room, user=author).update(read_seq=room.last_seq)
    realtime.publish_to_room(room.pk, message_frame(message), seq=message.seq)
    _notify_people(room=room, message=message, author=author)
    return message, True


def _notify_people(*, room: Room, message: Message, author: User) -> None:
    url = room_url(room.pk, message.seq)
    excerpt = message.body[:200]
    if room.kind == RoomKind.DIRECT:
        notify(
            recipients=User.objects.filter(memberships__room=room).exclude(pk=author.pk),
            kind=NotificationKind.DIRECT_MESSAGE,
            title=f"{author.name} sent you a message",
            body=excerpt,
            url=url,
            actor=author,
        )
        return
    names = mentioned_usernames(message.body)
    if not names:
        return
    # Only members of the room: a mention never reveals a room to someone outside it.
    people = (
        User.objects.filter(memberships__room=room, is_active=True)
        .exclude(pk=author.pk)
        .annotate(lower_username=Lower("username"))
        .filter(lower_username__in=names)
    )
    notify(
        recipients=people,
        kind=NotificationKind.MENTION,
        title=f"{author.name} mentioned you in #{room.name}",
        body=excerpt,
        url=url,
        actor=author,
    )


def _own_message(*, user: User, message_id) -> Message:
    message_id = as_id(message_id)
    if message_id is None:
        raise NotFound("No such message.")
    message = (
        Message.objects.select_for_update(of=("self",))
        .select_related("room", "author")
        .filter(pk=message_id, room__memberships__user=user)
        .first()
    )
    if message is None:
        raise NotFound("No such message.")
    return message


@transaction.atomic
def edit_message(*, user: User, message_id, body) -> Message:
    """Change the body of my message and tell the room."""
    body = clean_body(body)
    message = _own_message(user=user, message_id=message_id)
    if message.author_id != user.pk:
        raise Forbidden("Only the author may edit a message.")
    if message.deleted:
        raise Conflict("A deleted message cannot be edited.")
    message.body = body
    message.html = render_markdown(body)
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "html", "edited_at"])
    realtime.publish_to_room(message.room_id, message_frame(message, "chat.updated"))
    return message


@transaction.atomic
def delete_message(*, user: User, message_id) -> Message:
    """Delete a message: the row keeps its seq, its body goes. Authors; leads in channels."""
    message = _own_message(user=user, message_id=message_id)
    is_author = message.author_id == user.pk
    moderates = message.room.kind == RoomKind.CHANNEL and has_permission(user, Permission.MODERATE)
    if not (is_author or moderates):
        raise Forbidden("Only the author, or a lead in a channel, may delete a message.")
    if message.deleted:
        return message
    message.body = ""
    message.html = ""
    message.deleted_at = timezone.now()
    message.save(update_fields=["body", "html", "deleted_at"])
    realtime.publish_to_room(message.room_id, message_frame(message, "chat.updated"))
    return message


@transaction.atomic
def mark_read(*, user: User, room_id, seq) -> Membership:
    """Move my read marker forward (never back, never past the newest message)."""
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= MAX_INT:
        raise Invalid("seq must be a whole number.", fields={"seq": ["A whole number."]})
    room = member_room(user=user, room_id=room_id)
    seq = min(seq, room.last_seq)
    moved = Membership.objects.filter(room=room, user=user, read_seq__lt=seq).update(read_seq=seq)
    membership = Membership.objects.get(room=room, user=user)
    if moved:
        mark_notifications_read(user=user, url_prefix=room_url(room.pk))
        frame = {"type": "chat.read", "room": room.pk, "user": user.pk, "seq": membership.read_seq}
        # My other tabs update their badges; in a direct room the other person sees "seen".
        recipients = [user.pk]
        if room.kind == RoomKind.DIRECT:
            recipients = [int(pk) for pk in room.direct_key.split(":")]
        realtime.publish_to_users(recipients, frame)
    return membership


def typing(*, user: User, room_id) -> None:
    """Tell a room's other members that `user` is typing."""
    room = member_room(user=user, room_id=room_id)
    from accounts.serializers import UserSerializer

    frame = {"type": "chat.typing", "room": room.pk, "user": UserSerializer(user).data}
    realtime.send_room_frame(room.pk, frame, skip_user=user.pk)
