"""The one table of what each role may do. Every service asks it; templates only mirror it."""

from __future__ import annotations

from django.db import models

from accounts.models import Role
from collab.errors import Forbidden


class Permission(models.TextChoices):
    CHAT = "chat", "Chat in channels and direct rooms"
    REPORT = "report", "Report issues and comment"
    TRIAGE = "triage", "Triage issues: status, priority, assignee"
    MODERATE = "moderate", "Delete others' messages in channels"
    MANAGE_CHANNELS = "manage_channels", "Create channels"
    INVITE = "invite", "Invite people"
    MANAGE_PEOPLE = "manage_people", "Change roles, deactivate people"


_EVERYONE = {Permission.CHAT, Permission.REPORT}
_LEADS = _EVERYONE | {
    Permission.TRIAGE,
    Permission.MODERATE,
    Permission.MANAGE_CHANNELS,
    Permission.INVITE,
}

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.DEVELOPER: frozenset(_EVERYONE),
    Role.DESIGNER: frozenset(_EVERYONE),
    Role.TESTER: frozenset(_EVERYONE),
    Role.PROJECT_MANAGER: frozenset(_LEADS),
    Role.ADMIN: frozenset(_LEADS | {Permission.MANAGE_PEOPLE}),
}


def has_permission(user, permission: Permission) -> bool:
    """Return whether `user` may do `permission` (inactive and anonymous people may not)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return permission in ROLE_PERMISSIONS.get(user.role, frozenset())


def require_permission(user, permission: Permission) -> None:
    """Raise `Forbidden` unless `user` may do `permission`."""
    if not has_permission(user, permission):
        raise Forbidden(f"Your role may not {Permission(permission).label.lower()}.")
