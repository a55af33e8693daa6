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
