"""The contract's chat objects, shared by the API, the WebSocket frames and the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import UserSerializer
from chat.models import Message


def user_data(user) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
    }


def message_data(message: Message) -> dict:
    """Return the contract's message object (a plain dict: this is the hot path)."""
    return {
        "id": message.pk,
        "room": message.room_id,
        "seq": message.seq,
        "author": user_data(message.author),
        "body": message.body,
        "html": message.html,
        "created_at": _iso(message.created_at),
        "edited_at": _iso(message.edited_at),
        "deleted": message.deleted_at is not None,
        "client_id": message.client_id,
    }


def _iso(value) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class MessageSerializer(serializers.Serializer):
    """A message (documents the schema; `message_data` builds it)."""

    id = serializers.IntegerField()
    room = serializers.IntegerField()
    seq = serializers.IntegerField()
    author = UserSerializer()
    body = serializers.CharField()
    html = serializers.CharField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField()
    client_id = serializers.CharField()

    def to_representation(self, instance):
        return message_data(instance)


class SearchResultSerializer(MessageSerializer):
    room_name = serializers.CharField()
    highlight = serializers.CharField(help_text="Sanitized HTML with the match in <mark>.")

    def to_representation(self, instance):
        data = message_data(instance)
        data["room_name"] = instance.room_name
        data["highlight"] = instance.highlight
        return data


class RoomSerializer(serializers.Serializer):
    """A room I belong to, with my unread count."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["channel", "direct"])
    name = serializers.CharField()
    topic = serializers.CharField()
    is_team_channel = serializers.BooleanField()
    unread_count = serializers.IntegerField()
    last_seq = serializers.IntegerField()
    read_seq = serializers.IntegerField()
    last_message = serializers.SerializerMethodField()
    other_user = serializers.SerializerMethodField()

    @extend_schema_field(MessageSerializer(allow_null=True))
    def get_last_message(self, room):
        return message_data(room.last_message) if room.last_message else None

    @extend_schema_field(UserSerializer(allow_null=True))
    def get_other_user(self, room):
        return user_data(room.other_user) if room.other_user else None


class SendMessageSerializer(serializers.Serializer):
    body = serializers.CharField(trim_whitespace=False, allow_blank=True, max_length=20000)
    client_id = serializers.CharField(required=False, max_length=200)


class EditMessageSerializer(serializers.Serializer):
    body = serializers.CharField(trim_whitespace=False, allow_blank=True, max_length=20000)


class ReadSerializer(serializers.Serializer):
    seq = serializers.IntegerField(min_value=0)


class DirectRoomSerializer(serializers.Serializer):
    user = serializers.IntegerField()


class CreateChannelSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    topic = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class HistorySerializer(serializers.Serializer):
    results = MessageSerializer(many=True)
    has_more = serializers.BooleanField()
