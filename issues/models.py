"""Issues, their comments, attachments and the activity log of every change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class IssueStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    IN_REVIEW = "in_review", "In review"
    RESOLVED = "resolved", "Resolved"
    REJECTED = "rejected", "Rejected"


class IssuePriority(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class IssueCategory(models.TextChoices):
    BUG = "bug", "Bug"
    BLOCKER = "blocker", "Blocker"
    QUESTION = "question", "Question"
    IMPROVEMENT = "improvement", "Improvement"


CLOSED_STATUSES = frozenset({IssueStatus.RESOLVED, IssueStatus.REJECTED})

# Sort rank for "priority" ordering: most urgent first.
PRIORITY_RANK = {
    IssuePriority.CRITICAL: 0,
    IssuePriority.HIGH: 1,
    IssuePriority.MEDIUM: 2,
    IssuePriority.LOW: 3,
}

TITLE_MIN = 3
TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
COMMENT_MAX = 10_000
RESOLUTION_MAX = 2_000


class Issue(models.Model):
    """A reported problem or blocker, triaged by leads."""

    title = models.CharField(max_length=TITLE_MAX)
    description = models.TextField(blank=True, max_length=DESCRIPTION_MAX)
    description_html = models.TextField(blank=True)
    category = models.CharField(
        max_length=16, choices=IssueCategory.choices, default=IssueCategory.BUG
    )
    priority = models.CharField(
        max_length=16, choices=IssuePriority.choices, default=IssuePriority.MEDIUM
    )
    status = models.CharField(
        max_length=16, choices=IssueStatus.choices, default=IssueStatus.PENDING
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_issues"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_issues",
    )
    resolution = models.TextField(blank=True, max_length=RESOLUTION_MAX)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    source_message = models.ForeignKey(
        "chat.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raised_issues",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # When it was last resolved or rejected: the reporter may reopen for 14 days after.
    closed_at = models.DateTimeField(null=True, blank=True)
    # Set once when leads were told it stayed pending too long, so escalation runs once.
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=IssueStatus.values), name="issue_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(priority__in=IssuePriority.values),
                name="issue_priority_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=IssueCategory.values),
                name="issue_category_valid",
            ),
            models.CheckConstraint(condition=~models.Q(title=""), name="issue_title_not_empty"),
            models.CheckConstraint(
                condition=models.Q(duplicate_of__isnull=True)
                | models.Q(status=IssueStatus.REJECTED),
                name="issue_duplicate_only_when_rejected",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="issue_status_created_idx"),
            models.Index(fields=["reporter", "-created_at"], name="issue_reporter_idx"),
            models.Index(fields=["assignee", "-created_at"], name="issue_assignee_idx"),
            # The escalation scan reads only pending issues not yet escalated.
            models.Index(
                fields=["created_at"],
                condition=models.Q(status=IssueStatus.PENDING, escalated_at__isnull=True),
                name="issue_escalation_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return f"/issues/{self.pk}/"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class Comment(models.Model):
    """A comment on an issue by someone concerned."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="issue_comments"
    )
    body = models.TextField(max_length=COMMENT_MAX)
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["issue", "created_at"], name="issue_comment_idx")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="issue_comment_not_empty"),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} on #{self.issue_id}"


class Activity(models.Model):
    """One change to an issue: who changed which field from what to what, and when."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="issue_activity"
    )
    field = models.CharField(max_length=32)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "activity"
        indexes = [models.Index(fields=["issue", "created_at"], name="issue_activity_idx")]

    def __str__(self) -> str:
        return f"{self.field} on #{self.issue_id}"


class Attachment(models.Model):
    """A file attached to an issue; its type was checked by content when stored."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="issue_attachments"
    )
    file = models.FileField(upload_to="issue-attachments/%Y/%m/", max_length=255)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["issue", "created_at"], name="issue_attachment_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/issues/{self.issue_id}/attachments/{self.pk}/"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
