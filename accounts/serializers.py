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


class MeSerializer(UserSerializer):
    """The caller: the user object plus what only they see about themselves."""

    avatar_url = serializers.CharField(read_only=True)
    permissions = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "email", "time_zone", "avatar_url", "permissions"]
        read_only_fields = fields

    def get_permissions(self, user) -> list[str]:
        from accounts.permissions import ROLE_PERMISSIONS

        return sorted(ROLE_PERMISSIONS.get(user.role, ()))


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
