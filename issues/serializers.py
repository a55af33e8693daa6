"""The contract's issue, comment and activity objects, and what the API accepts."""

from __future__ import annotations

from rest_framework import serializers

from accounts.serializers import UserSerializer
from issues.models import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    RESOLUTION_MAX,
    TITLE_MAX,
    Activity,
    Attachment,
    Comment,
    Issue,
    IssueCategory,
    IssuePriority,
    IssueStatus,
)
from issues.selectors import SORTS


class IssueSerializer(serializers.ModelSerializer):
    """`{"id", "title", "description", "category", "priority", "status", "reporter",
    "assignee", "resolution", "source_message", "created_at", "updated_at"}` plus
    `duplicate_of` and `description_html`."""

    reporter = UserSerializer(read_only=True)
    assignee = UserSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Issue
        fields = [
            "id",
            "title",
            "description",
            "category",
            "priority",
            "status",
            "reporter",
            "assignee",
            "resolution",
            "source_message",
            "created_at",
            "updated_at",
            "duplicate_of",
            "description_html",
        ]
        read_only_fields = fields


class CommentSerializer(serializers.ModelSerializer):
    author = UserSerializer(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "html", "created_at"]
        read_only_fields = fields


class ActivitySerializer(serializers.ModelSerializer):
    actor = UserSerializer(read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "actor", "field", "old", "new", "created_at"]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    """`{"id", "name", "content_type", "size", "url", "uploaded_by", "created_at"}`."""

    uploaded_by = UserSerializer(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "url", "uploaded_by", "created_at"]
        read_only_fields = fields


# Input ----------------------------------------------------------------------------------------
# Lengths are checked again by the services; these give DRF's per-field messages early.
class IssueCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX + 1000)
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX + 1000, required=False, allow_blank=True, default=""
    )
    category = serializers.ChoiceField(IssueCategory.choices, default=IssueCategory.BUG)
    priority = serializers.ChoiceField(IssuePriority.choices, default=IssuePriority.MEDIUM)
    source_message = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**62
    )


class IssueUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX + 1000, required=False)
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX + 1000, required=False, allow_blank=True
    )
    category = serializers.ChoiceField(IssueCategory.choices, required=False)
    status = serializers.ChoiceField(IssueStatus.choices, required=False)
    priority = serializers.ChoiceField(IssuePriority.choices, required=False)
    assignee = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**62
    )
    resolution = serializers.CharField(
        max_length=RESOLUTION_MAX + 1000, required=False, allow_blank=True
    )
    duplicate_of = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**62
    )


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=COMMENT_MAX + 1000)


class IssueFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(IssueStatus.choices, required=False)
    priority = serializers.ChoiceField(IssuePriority.choices, required=False)
    category = serializers.ChoiceField(IssueCategory.choices, required=False)
    assignee = serializers.RegexField(
        r"^(none|[1-9][0-9]{0,17})$",
        required=False,
        help_text='A person\'s id, or "none" for unassigned issues.',
    )
    reporter = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    sort = serializers.ChoiceField(list(SORTS), required=False, default="newest")


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        help_text="One or more files (repeat the `file` part).",
    )
