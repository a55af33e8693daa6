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
