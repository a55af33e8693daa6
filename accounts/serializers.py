"""How people appear in the API."""

from rest_framework import serializers

from accounts.models import User


class UserSerializer(serializers.ModelSerializer):
    """The contract's user object: `id, username, display_name, role`."""

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "role"]
        read_only_fields = fields


class DirectoryUserSerializer(UserSerializer):
    """A person in the team directory, with whether they are online now."""

    is_online = serializers.BooleanField(read_only=True)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "is_online"]
        read_only_fields = fields


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
