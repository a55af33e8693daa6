"""Core services: notifications, the one way any app tells a person something.

Also the email side of notifications: preferences, sending one email or a digest exactly once,
and purging what nobody needs any more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from collab import realtime
from collab.errors import Invalid, NotFound
from collab.models import (
    DELAYED_EMAIL_KINDS,
    Delivery,
    EmailDelivery,
    EmailKind,
    EmailStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
)


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
    """Store a notification for each recipient (never the actor); push it and mail it on commit.

    Inside the transaction it runs the same queries whatever the number of recipients: one
    insert. Reading preferences and queueing emails happen after commit.
    """
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
    with_address = [row for row in rows if people[row.recipient_id].email]
    if with_address:
        # robust: a broker that is down must not turn a stored notification into an error page.
        transaction.on_commit(lambda: queue_notification_emails(with_address), robust=True)
    return rows


def queue_notification_emails(rows: list[Notification]) -> None:
    """Queue an email task for each notification whose recipient wants it right away."""
    from collab.selectors import deliveries_for
    from collab.tasks import send_notification_email

    if not rows:
        return
    kind = rows[0].kind
    deliveries = deliveries_for(user_ids=[row.recipient_id for row in rows], kind=kind)
    # A mention or direct message waits: if it is read in the browser by then, no mail.
    delay = settings.NOTIFICATION_EMAIL_DELAY if kind in DELAYED_EMAIL_KINDS else None
    wanted = [row.pk for row in rows if deliveries[row.recipient_id] == Delivery.IMMEDIATELY]
    if not wanted:
        return
    # One broker connection for the whole batch rather than one per task.
    with send_notification_email.app.producer_or_acquire() as producer:
        for pk in wanted:
            send_notification_email.apply_async(args=[pk], countdown=delay, producer=producer)


def push_notifications(rows: list[Notification]) -> None:
    """Send each stored notification to its recipient's sockets with their unread count."""
    from collab.selectors import unread_counts_for
    from collab.serializers import NotificationSerializer

    counts = unread_counts_for(user_ids=[row.recipient_id for row in rows])
    realtime.send_frames_to_users(
        (
            row.recipient_id,
            {
                "type": "notification",
                "notification": NotificationSerializer(row).data,
                "unread_count": counts[row.recipient_id],
            },
        )
        for row in rows
    )


def mark_notifications_read(*, user, url_prefix: str) -> int:
    """Mark read every unread notification of `user` whose link starts with `url_prefix`.

    Chat calls this when a person reads a room, so a mention or direct message they saw in the
    browser is not also mailed to them.
    """
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


@transaction.atomic
def mark_read(*, user, notification_id: int) -> Notification:
    """Mark one of `user`'s notifications read; anyone else's answers NotFound."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise NotFound("No such notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        transaction.on_commit(lambda: push_unread_count(user_id=user.pk))
    return notification


@transaction.atomic
def mark_all_read(*, user) -> int:
    """Mark every unread notification of `user` read; return how many changed."""
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        transaction.on_commit(lambda: push_unread_count(user_id=user.pk))
    return count


def safe_link(url: str) -> str:
    """Return `url` if it is a path on this site, else the notifications page."""
    parts = urlsplit(url)
    # "//host" and "/\host" are protocol-relative to browsers: only a plain path is ours.
    if (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and not parts.scheme
        and not parts.netloc
        and not any(ch in url for ch in "\r\n\t")
    ):
        return url
    return "/notifications/"


def open_notification(*, user, notification_id: int) -> str:
    """Mark a notification read and return where its link leads (always on this site)."""
    notification = mark_read(user=user, notification_id=notification_id)
    return safe_link(notification.url)


@transaction.atomic
def set_delivery_preferences(*, user, preferences: dict[str, str]) -> dict[str, str]:
    """Store how `user` wants each kind by email; kinds left out keep their setting."""
    errors = {}
    for kind, delivery in preferences.items():
        if kind not in NotificationKind.values:
            errors[kind] = ["Unknown kind of notification."]
        elif delivery not in Delivery.values:
            errors[kind] = [f"Choose one of: {', '.join(Delivery.values)}."]
    if errors:
        raise Invalid("Some notification settings are not valid.", fields=errors)
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=user, kind=k, delivery=d) for k, d in preferences.items()],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["delivery"],
    )
    from collab.selectors import delivery_preferences

    return delivery_preferences(user=user)


# Email --------------------------------------------------------------------------------------


def claim_email(
    *, key: str, kind: str, recipient, notification=None, digest_date=None
) -> EmailDelivery | None:
    """Claim the right to send the email named `key`; None when it is sent or being sent.

    A failed attempt, or one abandoned by a worker that died mid-send, may be claimed again.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery, created = EmailDelivery.objects.get_or_create(
            key=key,
            defaults={
                "kind": kind,
                "recipient": recipient,
                "notification": notification,
                "digest_date": digest_date,
                "to": recipient.email,
                "status": EmailStatus.SENDING,
                "attempts": 1,
                "claimed_at": now,
            },
        )
    if created:
        return delivery
    stale = now - timedelta(seconds=settings.NOTIFICATION_EMAIL_CLAIM_TIMEOUT)
    reclaimed = (
        EmailDelivery.objects.filter(pk=delivery.pk)
        .filter(Q(status=EmailStatus.FAILED) | Q(status=EmailStatus.SENDING, claimed_at__lt=stale))
        .update(status=EmailStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not reclaimed:
        return None
    delivery.refresh_from_db()
    return delivery


def deliver_email(delivery: EmailDelivery, message) -> None:
    """Send a claimed email and record the outcome; a mail server error is re-raised."""
    delivery.subject = message.subject[:255]
    delivery.to = ", ".join(message.to)[:254]
    try:
        message.send()
    except Exception as exc:
        delivery.status = EmailStatus.FAILED
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:500]
        delivery.save(update_fields=["status", "last_error", "subject", "to"])
        raise
    delivery.status = EmailStatus.SENT
    delivery.sent_at = timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["status", "sent_at", "last_error", "subject", "to"])


def send_notification_email(*, notification_id: int) -> str:
    """Mail one notification unless it no longer should be; return what happened.

    Loads everything fresh: the person may have read it, changed their settings or left since
    it was queued. Safe to run twice: the second run finds the email claimed and sends nothing.
    """
    from collab.emails import notification_message
    from collab.selectors import deliveries_for

    notification = (
        Notification.objects.select_related("recipient", "actor").filter(pk=notification_id).first()
    )
    if notification is None:
        return "skipped: gone"
    recipient = notification.recipient
    if not recipient.is_active or not recipient.email:
        return "skipped: no address"
    if notification.read_at is not None:
        return "skipped: already read"
    delivery = deliveries_for(user_ids=[recipient.pk], kind=notification.kind)[recipient.pk]
    if delivery != Delivery.IMMEDIATELY:
        return f"skipped: wants {delivery}"
    claim = claim_email(
        key=f"notification:{notification.pk}",
        kind=EmailKind.NOTIFICATION,
        recipient=recipient,
        notification=notification,
    )
    if claim is None:
        return "skipped: already sent"
    deliver_email(claim, notification_message(notification))
    return "sent"


def send_digest(*, user_id: int, day: date) -> int:
    """Mail one person their digest of `day`, once; return how many notifications it held."""
    from accounts.models import User
    from collab.emails import digest_message
    from collab.selectors import digest_notifications

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return 0
    notifications = digest_notifications(user=user, day=day)
    if not notifications:
        return 0
    claim = claim_email(
        key=f"digest:{user.pk}:{day.isoformat()}",
        kind=EmailKind.DIGEST,
        recipient=user,
        digest_date=day,
    )
    if claim is None:
        return 0
    deliver_email(claim, digest_message(user=user, day=day, notifications=notifications))
    return len(notifications)


def purge_read_notifications(
    *,
    older_than_days: int,
    dry_run: bool = False,
    batch_size: int = 1000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Delete read notifications created more than `older_than_days` ago; unread ones stay.

    Deletes in batches, each its own short transaction, so a large purge never holds a long
    lock; `progress(done, total)` is called after each batch.
    """
    if older_than_days < 0:
        raise Invalid("The age must be zero or more days.")
    cutoff = timezone.now() - timedelta(days=older_than_days)
    old_read = Notification.objects.filter(read_at__isnull=False, created_at__lt=cutoff)
    total = old_read.count()
    if dry_run or not total:
        return total
    done = 0
    while True:
        ids = list(old_read.order_by("id").values_list("id", flat=True)[:batch_size])
        if not ids:
            break
        with transaction.atomic():
            Notification.objects.filter(pk__in=ids).delete()
        done += len(ids)
        if progress:
            progress(done, total)
    return done
