"""Chat reads that pages, the API and the consumer share (fixed query counts)."""

from __future__ import annotations

import html
import re

import nh3
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import F, Func, OuterRef, Q, Subquery, Value

from chat.models import Membership, Message, Room, RoomKind
from chat.services import MAX_INT, member_room

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
SYNC_CHUNK = 500


def room_seqs_for(*, user) -> dict[int, int]:
    """Return `room id -> last seq` for every room of `user` (one query)."""
    return dict(Membership.objects.filter(user=user).values_list("room_id", "room__last_seq"))


def rooms_for(*, user) -> list[Room]:
    """Return my rooms with `read_seq`, `unread_count`, `last_message` and `other_user`.

    Three queries whatever the number of rooms: memberships with their rooms, the last
    messages with their authors, the other people of my direct rooms.
    """
    last_message_id = Message.objects.filter(
        room_id=OuterRef("room_id"), seq=OuterRef("room__last_seq")
    ).values("pk")[:1]
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("room")
        .annotate(last_message_id=Subquery(last_message_id))
        .order_by("-room__is_team_channel", "room__kind", "room__name", "room_id")
    )
    message_ids = [m.last_message_id for m in memberships if m.last_message_id]
    messages = Message.objects.filter(pk__in=message_ids).select_related("author")
    last_messages = {message.pk: message for message in messages}
    direct_ids = [m.room_id for m in memberships if m.room.kind == RoomKind.DIRECT]
    others = {
        other.room_id: other
        for other in Membership.objects.filter(room_id__in=direct_ids)
        .exclude(user=user)
        .select_related("user")
    }
    rooms = []
    for membership in memberships:
        room = membership.room
        room.read_seq = membership.read_seq
        room.unread_count = max(0, room.last_seq - membership.read_seq)
        room.last_message = last_messages.get(membership.last_message_id)
        other = others.get(room.pk)
        room.other_user = other.user if other else None
        room.other_read_seq = other.read_seq if other else None
        if room.other_user is not None:
            room.name = room.other_user.name
        rooms.append(room)
    return rooms


def annotate_room(*, room: Room, user) -> Room:
    """Add the attributes of `rooms_for` to one room."""
    for candidate in rooms_for(user=user):
        if candidate.pk == room.pk:
            return candidate
    return room


def parse_limit(value, default: int = DEFAULT_LIMIT) -> int:
    from collab.errors import Invalid

    if value in (None, ""):
        return default
    try:
        limit = int(value)
    except (TypeError, ValueError):
        raise Invalid("limit must be a whole number.", fields={"limit": ["A number."]}) from None
    if limit < 1:
        raise Invalid("limit must be at least 1.", fields={"limit": ["At least 1."]})
    return min(limit, MAX_LIMIT)


def parse_seq(value, name: str) -> int | None:
    from collab.errors import Invalid

    if value in (None, ""):
        return None
    try:
        seq = int(value)
    except (TypeError, ValueError):
        raise Invalid(f"{name} must be a whole number.", fields={name: ["A number."]}) from None
    if seq < 0:
        raise Invalid(f"{name} must not be negative.", fields={name: ["Not negative."]})
    return min(seq, MAX_INT)


def parse_seq_or_none(value) -> int | None:
    """Return a seq from a query string, or None when it is missing or not one."""
    from collab.errors import Invalid

    try:
        return parse_seq(value, "seq")
    except Invalid:
        return None


def history(
    *, user, room_id, before: int | None = None, after: int | None = None, limit: int = 50
) -> tuple[Room, list[Message], bool]:
    """Return a page of a room's messages, ascending by seq, and whether more lie beyond.

    Two queries: the room (checking membership), the page with authors.
    """
    room = member_room(user=user, room_id=room_id)
    messages = Message.objects.filter(room=room).select_related("author")
    if after is not None:
        page = list(messages.filter(seq__gt=after).order_by("seq")[: limit + 1])
        has_more = len(page) > limit
        return room, page[:limit], has_more
    if before is not None:
        messages = messages.filter(seq__lt=before)
    page = list(messages.order_by("-seq")[: limit + 1])
    has_more = len(page) > limit
    return room, page[:limit][::-1], has_more


def messages_after(*, room_id: int, after: int, limit: int = SYNC_CHUNK) -> list[Message]:
    """Return up to `limit` messages of a room with seq above `after`, in order."""
    return list(
        Message.objects.filter(room_id=room_id, seq__gt=after)
        .select_related("author")
        .order_by("seq")[:limit]
    )


def last_seq(*, room_id: int) -> int:
    return Room.objects.filter(pk=room_id).values_list("last_seq", flat=True).first() or 0


# Search ------------------------------------------------------------------------------------
SEARCH_MAX = 200
_MARK_START, _MARK_END = "\x02", "\x03"


def _terms(q: str) -> list[str]:
    """Split a query into quoted phrases and words."""
    return [
        (phrase or word).strip()
        for phrase, word in re.findall(r'"([^"]+)"|(\S+)', q)
        if (phrase or word).strip()
    ]


def search_messages(*, user, q: str):
    """Return messages in my rooms matching `q` (newest first) with `room_name`, `highlight`.

    PostgreSQL: full-text search with the `simple` configuration (identifiers like PLT-3699
    stay whole, "quoted phrases" match as phrases) over a GIN index. SQLite: every word or
    phrase must appear.
    """
    q = (q or "").strip()[:SEARCH_MAX]
    messages = (
        Message.objects.filter(room__memberships__user=user, deleted_at__isnull=True)
        .select_related("author", "room")
        .annotate(room_name=F("room__name"))
        .order_by("-created_at", "-pk")
    )
    terms = _terms(q)
    if not terms:
        return messages.none()
    if connection.vendor == "postgresql":
        vector = Func(
            Value("simple"), F("body"), function="to_tsvector", output_field=SearchVectorField()
        )
        return messages.annotate(document=vector).filter(
            document=SearchQuery(q, config="simple", search_type="websearch")
        )
    condition = Q()
    for term in terms:
        condition &= Q(body__icontains=term)
    return messages.filter(condition)


def highlight(body: str, q: str, *, width: int = 160) -> str:
    """Return a sanitized excerpt of `body` with the query's terms in `<mark>`."""
    terms = sorted(
        {t.strip(".,;:!?") for term in _terms(q) for t in [term, *term.split()] if t},
        key=len,
        reverse=True,
    )
    terms = [t for t in terms if t]
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE) if terms else None
    start = 0
    if pattern:
        found = pattern.search(body)
        if found:
            start = max(0, found.start() - width // 3)
    excerpt = body[start : start + width]
    if pattern:
        excerpt = pattern.sub(lambda m: f"{_MARK_START}{m.group(0)}{_MARK_END}", excerpt)
    text = html.escape(excerpt)
    text = text.replace(_MARK_START, "<mark>").replace(_MARK_END, "</mark>")
    prefix = "…" if start else ""
    suffix = "…" if start + width < len(body) else ""
    return nh3.clean(prefix + text + suffix, tags={"mark"}, attributes={})


def with_highlights(messages, q: str) -> list[Message]:
    for message in messages:
        message.highlight = highlight(message.body, q)
        if message.room.kind == RoomKind.DIRECT:
            message.room_name = "Direct message"
    return messages
