"""Django admin for notifications and their emails: read-only records, with filters."""

from django.contrib import admin

from collab.models import EmailDelivery, Notification, NotificationPreference


class ReadOnlyAdmin(admin.ModelAdmin):
    """Staff look and filter; only services change these rows."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadStateFilter(admin.SimpleListFilter):
    title = "read"
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("no", "Unread"), ("yes", "Read")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "recipient", "actor", "created_at", "read_at"]
    list_filter = ["kind", ReadStateFilter, "created_at"]
    list_select_related = ["recipient", "actor"]
    search_fields = ["title", "body", "recipient__username", "recipient__email"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["key", "kind", "recipient", "to", "status", "attempts", "claimed_at", "sent_at"]
    list_filter = ["kind", "status", "claimed_at"]
    list_select_related = ["recipient"]
    search_fields = ["key", "to", "subject", "recipient__username"]
    date_hierarchy = "claimed_at"
