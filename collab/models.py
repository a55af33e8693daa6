"""Core models shared by every app: notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationKind(models.TextChoices):
    MENTION = "mention", "Mention"
    DIRECT_MESSAGE = "direct_message", "Direct message"
    ISSUE_REPORTED = "issue_reported", "Issue reported"
    ISSUE_ASSIGNED = "issue_assigned", "Issue assigned"
    ISSUE_STATUS = "issue_status", "Issue status changed"
    ISSUE_COMMENT = "issue_comment", "Issue comment"
    ISSUE_ESCALATED = "issue_escalated", "Issue escalated"
    ROLE_CHANGED = "role_changed", "Role changed"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"


class Notification(models.Model):
    """Something a person should know about, with a link to where it happened."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            # "My unread, newest first": the badge and the unread filter read only this.
            models.Index(
                fields=["recipient", "-created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            # The daily digest and the nightly purge select a range of days across everyone.
            models.Index(fields=["created_at"], name="notification_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=NotificationKind.values),
                name="notification_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", "By email right away"
    DIGEST = "digest", "In a daily digest"
    NEVER = "never", "Never by email"


# What a person gets by email until they choose otherwise: what needs them now comes right
# away; conversation on issues and team news wait for the daily digest.
DEFAULT_DELIVERY: dict[str, str] = {
    NotificationKind.MENTION: Delivery.IMMEDIATELY,
    NotificationKind.DIRECT_MESSAGE: Delivery.IMMEDIATELY,
    NotificationKind.ISSUE_REPORTED: Delivery.IMMEDIATELY,
    NotificationKind.ISSUE_ASSIGNED: Delivery.IMMEDIATELY,
    NotificationKind.ISSUE_STATUS: Delivery.IMMEDIATELY,
    NotificationKind.ISSUE_COMMENT: Delivery.DIGEST,
    NotificationKind.ISSUE_ESCALATED: Delivery.IMMEDIATELY,
    NotificationKind.ROLE_CHANGED: Delivery.IMMEDIATELY,
    NotificationKind.INVITATION_ACCEPTED: Delivery.DIGEST,
}

# Kinds that are mailed only if the person has not read them in the browser meanwhile.
DELAYED_EMAIL_KINDS = frozenset({NotificationKind.MENTION, NotificationKind.DIRECT_MESSAGE})


class NotificationPreference(models.Model):
    """How one person wants one kind of notification by email (absent: `DEFAULT_DELIVERY`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    delivery = models.CharField(max_length=16, choices=Delivery.choices)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=NotificationKind.values),
                name="notification_pref_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(delivery__in=Delivery.values),
                name="notification_pref_delivery_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"


class EmailKind(models.TextChoices):
    NOTIFICATION = "notification", "One notification"
    DIGEST = "digest", "Daily digest"


class EmailStatus(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class EmailDelivery(models.Model):
    """One email, claimed before it is sent so that a retried task never sends it twice.

    `key` names what the mail is about (`notification:<id>`, `digest:<user id>:<date>`); it is
    unique, so two workers holding the same task cannot both claim it.
    """

    key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=16, choices=EmailKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_deliveries"
    )
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    digest_date = models.DateField(null=True, blank=True)
    to = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=EmailStatus.choices)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at", "-id"]
        verbose_name_plural = "email deliveries"
        indexes = [models.Index(fields=["recipient", "-claimed_at"], name="email_recipient_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=EmailStatus.values), name="email_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=EmailKind.values), name="email_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
