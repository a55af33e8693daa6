"""API tokens: `Authorization: Token <key>` for the REST API and the WebSocket."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.models import ApiToken, hash_token_key

# Recording each use would write on every request; once a minute is enough to show activity.
LAST_USED_GRANULARITY = timedelta(minutes=1)


def token_from_header(value: str) -> str | None:
    """Return the key of an `Authorization: Token <key>` header value, else None."""
    scheme, _, key = value.strip().partition(" ")
    if scheme.lower() != "token" or not key.strip():
        return None
    return key.strip()


def user_for_token_key(key: str):
    """Return the active person a token key belongs to, or None."""
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(key_hash=hash_token_key(key))
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuthentication(authentication.BaseAuthentication):
    """Authenticate with a named, revocable token; a bad token answers 401."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        key = token_from_header(header)
        if key is None:
            if header.split(" ", 1)[0].lower() == "token":
                raise exceptions.AuthenticationFailed("Invalid token header.")
            return None
        user = user_for_token_key(key)
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        return (user, key)

    def authenticate_header(self, request):
        return self.keyword


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describe `Authorization: Token <key>` in the OpenAPI schema."""

    target_class = "accounts.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'An API token as "Token <key>" (create one on your profile page or '
            "with POST /api/v1/auth/token/).",
        }
