from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.shortcuts import render

from accounts import services
from accounts.models import ApiToken, Invitation, Role, RoleChange, User
from collab.errors import DomainError


class RoleChoiceForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class RoleChangeInline(admin.TabularInline):
    model = RoleChange
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ["created_at", "changed_by", "old_role", "new_role"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "email", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Collab", {"fields": ["display_name", "role", "time_zone", "avatar"]}),
    )
    # Role and activity change only through the services, so each change is recorded and its
    # consequences (sessions, tokens, sockets) follow.
    readonly_fields = ["role", "is_active"]
    inlines = [RoleChangeInline]
    actions = ["deactivate_people", "change_role_of_people"]

    @admin.action(description="Deactivate the selected people")
    def deactivate_people(self, request, queryset):
        done = 0
        for person in queryset:
            try:
                services.deactivate_user(actor=request.user, user=person)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{person}: {error.detail}", messages.ERROR)
        if done:
            self.message_user(request, f"Deactivated {done} people.", messages.SUCCESS)

    @admin.action(description="Change the role of the selected people")
    def change_role_of_people(self, request, queryset):
        form = RoleChoiceForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return render(
                request,
                "accounts/admin_change_role.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Change role",
                    "form": form,
                    "people": queryset,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        done = 0
        for person in queryset:
            try:
                services.change_role(
                    actor=request.user, user=person, role=form.cleaned_data["role"]
                )
                done += 1
            except DomainError as error:
                self.message_user(request, f"{person}: {error.detail}", messages.ERROR)
        if done:
            self.message_user(request, f"Changed the role of {done} people.", messages.SUCCESS)
        return None


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username"]
    readonly_fields = ["key_hash", "prefix", "created_at", "last_used_at"]


@admin.register(RoleChange)
class RoleChangeAdmin(admin.ModelAdmin):
    list_display = ["user", "old_role", "new_role", "changed_by", "created_at"]
    list_filter = ["new_role"]
    search_fields = ["user__username", "changed_by__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "invited_by", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email"]
    readonly_fields = ["accepted_at", "accepted_by", "invited_by"]
