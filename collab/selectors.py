"""Reads that pages and the API share, for core models."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone

from collab.models import (
    DEFAULT_DELIVERY,
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
)


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


def notifications_for(*, user, unread_only: bool = False):
    """Return `user`'s notifications, newest first (only unread ones if asked)."""
    rows = Notification.objects.filter(recipient=user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


def delivery_preferences(*, user) -> dict[str, str]:
    """Return how `user` wants each kind by email, defaults filled in, in the kinds' order."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in NotificationKind.values}


def deliveries_for(*, user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """Return how each person wants `kind` by email, in one query."""
    ids = list(user_ids)
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    return {pk: chosen.get(pk, DEFAULT_DELIVERY[kind]) for pk in ids}


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Return the start and end of a day in the site's time zone."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def digest_recipient_ids(*, day: date) -> list[int]:
    """Return who has unread notifications from `day` that they want in a digest."""
    start, end = day_bounds(day)
    pairs = set(
        Notification.objects.filter(
            created_at__gte=start,
            created_at__lt=end,
            read_at__isnull=True,
            recipient__is_active=True,
        )
        .values_list("recipient_id", "kind")
        .distinct()
    )
    ids = {pk for pk, _kind in pairs}
    chosen = {
        (pk, kind): delivery
        for pk, kind, delivery in NotificationPreference.objects.filter(
            user_id__in=ids
        ).values_list("user_id", "kind", "delivery")
    }
    wanted = {
        pk
        for pk, kind in pairs
        if chosen.get((pk, kind), DEFAULT_DELIVERY[kind]) == Delivery.DIGEST
    }
    return sorted(wanted)


def digest_notifications(*, user, day: date) -> list[Notification]:
    """Return `user`'s unread notifications from `day` of the kinds they want in a digest."""
    kinds = [k for k, d in delivery_preferences(user=user).items() if d == Delivery.DIGEST]
    start, end = day_bounds(day)
    return list(
        Notification.objects.filter(
            recipient=user,
            kind__in=kinds,
            created_at__gte=start,
            created_at__lt=end,
            read_at__isnull=True,
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
