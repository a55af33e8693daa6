"""Reads that pages and the API share, for core models."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count

from collab.models import Notification


def unread_notification_count(*, user) -> int:
    """Return how many notifications `user` has not read."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_counts_for(*, user_ids: Iterable[int]) -> dict[int, int]:
    """Return unread notification counts for several people in one query."""
    ids = list(user_ids)
    rows = (
        Notification.objects.filter(recipient_id__in=ids, read_at__isnull=True)
        .values("recipient_id")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({row["recipient_id"]: row["n"] for row in rows})
    return counts


def recent_notifications(*, user, limit: int = 10):
    """Return the newest notifications of `user`."""
    return Notification.objects.filter(recipient=user).select_related("actor")[:limit]
