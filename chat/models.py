"""Rooms, memberships and messages, with the invariants that delivery relies on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class RoomKind(models.TextChoices):
    CHANNEL = "channel", "Channel"
    DIRECT = "direct", "Direct"


TEAM_CHANNEL_NAME = "general"


class Room(models.Model):
    """A channel or a direct room; `last_seq` is the seq of its newest message."""

    kind = models.CharField(max_length=16, choices=RoomKind.choices)
    name = models.CharField(max_length=80, blank=True)
    topic = models.CharField(max_length=250, blank=True)
    is_team_channel = models.BooleanField(default=False)
    # "<smaller user id>:<larger user id>" for direct rooms: one room per pair.
    direct_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=RoomKind.values), name="chat_room_kind_valid"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=RoomKind.DIRECT, direct_key__isnull=False)
                    | models.Q(kind=RoomKind.CHANNEL, direct_key__isnull=True)
                ),
                name="chat_room_direct_key_iff_direct",
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(kind=RoomKind.CHANNEL),
                name="chat_channel_name_unique",
            ),
            models.UniqueConstraint(
                fields=["is_team_channel"],
                condition=models.Q(is_team_channel=True),
                name="chat_one_team_channel",
            ),
        ]

    def __str__(self) -> str:
        return self.name if self.kind == RoomKind.CHANNEL else f"direct {self.direct_key}"


class Membership(models.Model):
    """A person in a room; `read_seq` is the newest seq they have read."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    read_seq = models.PositiveBigIntegerField(default=0)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="chat_membership_unique"),
        ]
        indexes = [models.Index(fields=["user", "room"], name="chat_membership_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.room_id}"


class Message(models.Model):
    """A message with its gap-free place (`seq`) in its room."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="messages"
    )
    client_id = models.CharField(max_length=64)
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["room", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="chat_message_room_seq_unique"),
            models.UniqueConstraint(
                fields=["author", "client_id"], name="chat_message_author_client_id_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(seq__gte=1), name="chat_message_seq_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room_id}#{self.seq}"

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None
