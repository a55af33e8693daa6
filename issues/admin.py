"""Issues in the Django admin: filters, search, and bulk triage through the services."""

from django.contrib import admin, messages

from collab.errors import DomainError
from issues import services
from issues.models import Activity, Attachment, Comment, Issue, IssuePriority, IssueStatus


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    can_delete = False
    fields = ["author", "body", "created_at"]
    readonly_fields = fields


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    fields = ["name", "content_type", "size", "uploaded_by", "created_at"]
    readonly_fields = fields


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    can_delete = False
    fields = ["actor", "field", "old", "new", "created_at"]
    readonly_fields = fields


def _bulk(modeladmin, request, queryset, **changes):
    try:
        updated = services.bulk_update_issues(
            actor=request.user, issue_ids=queryset.values_list("pk", flat=True), **changes
        )
    except DomainError as exc:
        modeladmin.message_user(request, exc.detail, level=messages.ERROR)
    else:
        modeladmin.message_user(request, f"Updated {len(updated)} issues.")


@admin.action(description="Move to in review")
def move_to_in_review(modeladmin, request, queryset):
    _bulk(modeladmin, request, queryset, status=IssueStatus.IN_REVIEW)


@admin.action(description="Assign to me")
def assign_to_me(modeladmin, request, queryset):
    _bulk(modeladmin, request, queryset, assignee_id=request.user.pk)


@admin.action(description="Unassign")
def unassign(modeladmin, request, queryset):
    _bulk(modeladmin, request, queryset, assignee_id=None)


def _priority_action(value, label):
    def action(modeladmin, request, queryset):
        _bulk(modeladmin, request, queryset, priority=value)

    action.__name__ = f"set_priority_{value}"
    return admin.action(description=f"Set priority: {label.lower()}")(action)


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "status", "priority", "category", "reporter", "assignee",
                    "created_at"]  # fmt: skip
    list_filter = ["status", "priority", "category", ("assignee", admin.RelatedOnlyFieldListFilter),
                   ("reporter", admin.RelatedOnlyFieldListFilter), "created_at"]  # fmt: skip
    search_fields = ["title", "description", "reporter__username", "assignee__username"]
    list_select_related = ["reporter", "assignee"]
    date_hierarchy = "created_at"
    actions = [
        move_to_in_review,
        assign_to_me,
        unassign,
        *[_priority_action(value, label) for value, label in IssuePriority.choices],
    ]
    inlines = [AttachmentInline, CommentInline, ActivityInline]
    # Every change goes through the services (activity, notifications, live updates): the
    # admin shows issues and offers the bulk actions above, and does not edit fields directly.
    readonly_fields = [f.name for f in Issue._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
