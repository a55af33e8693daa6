"""WebSocket authentication: a session cookie from an allowed Origin, or an API token."""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http.request import validate_host

from accounts.authentication import token_from_header, user_for_token_key


def origin_allowed(origin: str) -> bool:
    """Return whether an `Origin` header names one of `ALLOWED_HOSTS`."""
    host = urlsplit(origin).hostname if origin else None
    return bool(host) and validate_host(host, settings.ALLOWED_HOSTS)


class WebSocketAuthMiddleware:
    """Put the authenticated person in `scope["user"]`, or an anonymous one.

    A token header needs no Origin (scripts and load tools). A session cookie counts only when
    the handshake's Origin is an allowed host: that check stops cross-site WebSocket hijacking.
    """

    def __init__(self, inner):
        self.inner = inner
        self.session_inner = AuthMiddlewareStack(inner)

    async def __call__(self, scope, receive, send):
        headers = {name.lower(): value.decode("latin-1") for name, value in scope["headers"]}
        key = token_from_header(headers.get(b"authorization", ""))
        if key is not None:
            user = await database_sync_to_async(user_for_token_key)(key)
            scope = dict(scope, user=user or AnonymousUser(), auth_method="token")
            return await self.inner(scope, receive, send)
        if not origin_allowed(headers.get(b"origin", "")):
            scope = dict(scope, user=AnonymousUser(), auth_method="refused-origin")
            return await self.inner(scope, receive, send)
        return await self.session_inner(dict(scope, auth_method="session"), receive, send)
