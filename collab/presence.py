"""Who is online: a heartbeat per open connection, each expiring on its own.

Every open socket refreshes its entry; a crashed process simply stops refreshing, so its
people drop offline when their entries expire instead of staying "online" forever.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.core.cache import cache

# A socket refreshes its heartbeat every HEARTBEAT seconds; an entry older than TTL is gone.
HEARTBEAT = 25
TTL = 60


def _key(user_id: int) -> str:
    return f"presence:{user_id}"


def _alive(entries: dict[str, float], now: float) -> dict[str, float]:
    return {conn: expires for conn, expires in entries.items() if expires > now}


def mark_online(*, user_id: int, connection_id: str) -> bool:
    """Record a heartbeat for one connection; return whether the person just came online."""
    now = time.time()
    entries = _alive(cache.get(_key(user_id)) or {}, now)
    was_online = bool(entries)
    entries[connection_id] = now + TTL
    cache.set(_key(user_id), entries, TTL)
    return not was_online


def mark_offline(*, user_id: int, connection_id: str) -> bool:
    """Forget one connection; return whether the person is now offline."""
    now = time.time()
    entries = _alive(cache.get(_key(user_id)) or {}, now)
    entries.pop(connection_id, None)
    if entries:
        cache.set(_key(user_id), entries, TTL)
        return False
    cache.delete(_key(user_id))
    return True


def online_user_ids(user_ids: Iterable[int]) -> set[int]:
    """Return which of `user_ids` have at least one live connection (one cache round trip)."""
    ids = list(user_ids)
    if not ids:
        return set()
    now = time.time()
    found = cache.get_many([_key(uid) for uid in ids])
    return {uid for uid in ids if _alive(found.get(_key(uid)) or {}, now)}
