"""Every change to people and their tokens."""

from __future__ import annotations

import logging

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, User, hash_token_key
from collab.errors import Invalid

security_logger = logging.getLogger("collab.security")


@transaction.atomic
def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a named token for `user`; return it with its key (shown once, stored hashed)."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise Invalid(
            "Give the token a name of 1 to 100 characters.",
            fields={"name": ["1 to 100 characters."]},
        )
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_token_key(key), prefix=key[:8]
    )
    security_logger.info("token created", extra={"user_id": user.pk, "token_id": token.pk})
    return token, key


def obtain_api_token(*, username: str, password: str) -> str:
    """Check a username and password and return a new token key for that person."""
    user = authenticate(None, username=username, password=password)
    if user is None or not user.is_active:
        security_logger.warning("token refused: bad credentials", extra={"username": username})
        raise Invalid("Unable to log in with the given username and password.")
    _token, key = create_api_token(user=user, name=f"API {timezone.now():%Y-%m-%d %H:%M}")
    return key
