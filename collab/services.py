"""Core services: notifications, the one way any app tells a person something."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from collab import realtime
from collab.models import Notification, NotificationKind


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    actor=None,
) -> list[Notification]:
    """Store a notification for each recipient (never the actor) and push it live on commit."""
    NotificationKind(kind)  # an unknown kind is a programming error: fail loudly
    actor_id = getattr(actor, "pk", None)
    people = {r.pk: r for r in recipients if r.pk != actor_id and r.is_active}
    if not people:
        return []
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk, kind=kind, title=title[:200], body=body, url=url, actor=actor
            )
            for pk in people
        ]
    )
    transaction.on_commit(lambda: push_notifications(rows))
    return rows


def push_notifications(rows: list[Notification]) -> None:
    """Send each stored notification to its recipient's sockets with their unread count."""
    from collab.selectors import unread_counts_for
    from collab.serializers import NotificationSerializer

    counts = unread_counts_for(user_ids=[row.recipient_id for row in rows])
    for row in rows:
        frame = {
            "type": "notification",
            "notification": NotificationSerializer(row).data,
            "unread_count": counts[row.recipient_id],
        }
        realtime.send_frame_to_users([row.recipient_id], frame)


def mark_notifications_read(*, user, url_prefix: str) -> int:
    """Mark read every unread notification of `user` whose link starts with `url_prefix`.

    Chat calls this when a person reads a room, so a mention or direct message they saw in the
    browser is not also mailed to them.
    """
    from django.utils import timezone

    count = Notification.objects.filter(
        recipient=user, read_at__isnull=True, url__startswith=url_prefix
    ).update(read_at=timezone.now())
    if count:
        transaction.on_commit(lambda: push_unread_count(user_id=user.pk))
    return count


def push_unread_count(*, user_id: int) -> None:
    """Tell a person's sockets their new unread count (after reading something)."""
    from collab.selectors import unread_counts_for

    count = unread_counts_for(user_ids=[user_id])[user_id]
    realtime.send_frame_to_users([user_id], {"type": "notification.read", "unread_count": count})
