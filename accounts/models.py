"""People: the custom user with a role, and their API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    DEVELOPER = "developer", "Developer"
    DESIGNER = "designer", "Designer"
    TESTER = "tester", "Tester"
    PROJECT_MANAGER = "project_manager", "Project manager"
    ADMIN = "admin", "Admin"


LEAD_ROLES = frozenset({Role.PROJECT_MANAGER, Role.ADMIN})


class User(AbstractUser):
    """A person on the team."""

    display_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.DEVELOPER)
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="accounts_user_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def name(self) -> str:
        """Return what to show for this person: the display name, else the username."""
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_lead(self) -> bool:
        return self.role in LEAD_ROLES

    @property
    def initials(self) -> str:
        """Return one or two letters that stand for this person when they have no avatar."""
        words = [w for w in self.name.replace("_", " ").replace(".", " ").split() if w]
        letters = "".join(w[0] for w in words[:2]) or self.username[:1]
        return letters.upper()

    @property
    def avatar_url(self) -> str:
        """Return the URL of the avatar image, or "" when there is none."""
        if not self.avatar:
            return ""
        # The stored name changes on every upload, so browsers may cache each one forever.
        version = self.avatar.name.rsplit("/", 1)[-1].split(".", 1)[0]
        return f"/people/{self.pk}/avatar/?v={version}"


def hash_token_key(key: str) -> str:
    """Return the stored form of a token key (only its hash is kept)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A named key for the API and WebSocket (`Authorization: Token <key>`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="First characters, to tell keys apart.")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_active_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)


class RoleChange(models.Model):
    """A record of one role change: who changed whose role, when, from what to what."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_changes")
    changed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    old_role = models.CharField(max_length=32, choices=Role.choices)
    new_role = models.CharField(max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="rolechange_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.old_role} -> {self.new_role}"


class Invitation(models.Model):
    """A lead's invitation for one email address, fixing the role the new person gets."""

    email = models.EmailField()
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.DEVELOPER)
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="accounts_invitation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.role}"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )
