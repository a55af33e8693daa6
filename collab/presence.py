"""Who is online: a heartbeat per open connection, each expiring on its own.

Every open socket refreshes its entry; a crashed process simply stops refreshing, so its
people drop offline when their entries expire instead of staying "online" forever. Several
tabs and several web processes each hold their own entry; a person is online while any entry
is alive.

With Redis each person is a sorted set (connection id scored by its expiry time), changed
atomically, so two processes never overwrite each other's entries. Without Redis (the embedded
default, one web process) the entries live in a dict in the cache.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from functools import cache as memoize

from django.conf import settings
from django.core.cache import cache

# A socket refreshes its heartbeat every HEARTBEAT seconds; an entry older than TTL is gone.
HEARTBEAT = 25
TTL = 60


def _key(user_id: int) -> str:
    return f"{settings.CACHE_KEY_PREFIX}:presence:{user_id}"


@memoize
def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=2)


def _alive(entries: dict[str, float], now: float) -> dict[str, float]:
    return {conn: expires for conn, expires in entries.items() if expires > now}


def mark_online(*, user_id: int, connection_id: str) -> bool:
    """Record a heartbeat for one connection; return whether the person just came online."""
    now = time.time()
    if settings.REDIS_URL:
        pipe = _redis().pipeline()  # MULTI/EXEC: atomic against other processes
        pipe.zremrangebyscore(_key(user_id), "-inf", now)
        pipe.zcard(_key(user_id))
        pipe.zadd(_key(user_id), {connection_id: now + TTL})
        pipe.expire(_key(user_id), TTL)
        _removed, before, _added, _ = pipe.execute()
        return before == 0
    entries = _alive(cache.get(_key(user_id)) or {}, now)
    was_online = bool(entries)
    entries[connection_id] = now + TTL
    cache.set(_key(user_id), entries, TTL)
    return not was_online


def mark_offline(*, user_id: int, connection_id: str) -> bool:
    """Forget one connection; return whether the person is now offline."""
    now = time.time()
    if settings.REDIS_URL:
        pipe = _redis().pipeline()
        pipe.zrem(_key(user_id), connection_id)
        pipe.zremrangebyscore(_key(user_id), "-inf", now)
        pipe.zcard(_key(user_id))
        _removed, _expired, left = pipe.execute()
        return left == 0
    entries = _alive(cache.get(_key(user_id)) or {}, now)
    entries.pop(connection_id, None)
    if entries:
        cache.set(_key(user_id), entries, TTL)
        return False
    cache.delete(_key(user_id))
    return True


def online_user_ids(user_ids: Iterable[int]) -> set[int]:
    """Return which of `user_ids` have at least one live connection (one round trip)."""
    ids = list(user_ids)
    if not ids:
        return set()
    now = time.time()
    if settings.REDIS_URL:
        pipe = _redis().pipeline(transaction=False)
        for uid in ids:
            pipe.zcount(_key(uid), now, "+inf")
        return {uid for uid, count in zip(ids, pipe.execute(), strict=True) if count}
    found = cache.get_many([_key(uid) for uid in ids])
    return {uid for uid in ids if _alive(found.get(_key(uid)) or {}, now)}
