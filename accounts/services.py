"""Every change to people, their roles, invitations and tokens."""

from __future__ import annotations

import logging
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.core import signing
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accounts.avatars import process_avatar
from accounts.models import ApiToken, Invitation, Role, RoleChange, User, hash_token_key
from accounts.permissions import Permission, require_permission
from collab import realtime
from collab.errors import Conflict, Invalid, NotFound

security_logger = logging.getLogger("collab.security")

INVITATION_SALT = "collab.accounts.invitation"


# Profile --------------------------------------------------------------------------------------
@transaction.atomic
def update_profile(*, user: User, display_name: str, time_zone: str) -> User:
    """Change the name a person shows and the time zone their pages use."""
    display_name = (display_name or "").strip()
    errors: dict[str, list[str]] = {}
    if len(display_name) > 150:
        errors["display_name"] = ["At most 150 characters."]
    if time_zone not in zoneinfo.available_timezones():
        errors["time_zone"] = ["Choose a time zone from the list."]
    if errors:
        raise Invalid("Please correct the marked fields.", fields=errors)
    user.display_name = display_name
    user.time_zone = time_zone
    user.save(update_fields=["display_name", "time_zone"])
    return user


@transaction.atomic
def set_avatar(*, user: User, upload) -> User:
    """Check, crop and resize an uploaded image and make it the person's avatar."""
    content = process_avatar(upload, max_bytes=settings.COLLAB_AVATAR_MAX_BYTES)
    old_name = user.avatar.name if user.avatar else ""
    user.avatar.save(f"{user.pk}-{content.name}", content, save=False)
    user.save(update_fields=["avatar"])
    if old_name:
        storage = user.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return user


@transaction.atomic
def remove_avatar(*, user: User) -> User:
    """Go back to initials instead of an image."""
    if user.avatar:
        old_name, storage = user.avatar.name, user.avatar.storage
        user.avatar = ""
        user.save(update_fields=["avatar"])
        transaction.on_commit(lambda: storage.delete(old_name))
    return user


# API tokens -----------------------------------------------------------------------------------
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
    security_logger.info(
        "token created",
        extra={"event": "token_created", "user_id": user.pk, "token_id": token.pk},
    )
    return token, key


@transaction.atomic
def revoke_api_token(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the person's own tokens; it answers 401 from now on."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        security_logger.info(
            "token revoked",
            extra={"event": "token_revoked", "user_id": user.pk, "token_id": token.pk},
        )
    return token


def obtain_api_token(*, username: str, password: str) -> str:
    """Check a username and password and return a new token key for that person."""
    user = authenticate(None, username=username, password=password)
    if user is None or not user.is_active:
        security_logger.warning(
            "token refused: bad credentials",
            extra={"event": "token_refused", "username": username},
        )
        raise Invalid("Unable to log in with the given username and password.")
    _token, key = create_api_token(user=user, name=f"API {timezone.now():%Y-%m-%d %H:%M}")
    return key


# Roles and deactivation -----------------------------------------------------------------------
def _check_role(role: str) -> str:
    if role not in Role.values:
        raise Invalid(
            f"{str(role)[:40]!r} is not a role.",
            fields={"role": [f"Choose one of: {', '.join(Role.values)}."]},
        )
    return role


def _ensure_another_admin(user: User) -> None:
    # Someone must always be able to manage people.
    others = User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk)
    if user.role == Role.ADMIN and not others.exists():
        raise Conflict("Collab needs at least one active admin: make someone else admin first.")


@transaction.atomic
def change_role(*, actor: User, user: User, role: str) -> User:
    """Give `user` a new role, record who changed it, and tell them."""
    require_permission(actor, Permission.MANAGE_PEOPLE)
    _check_role(role)
    user = User.objects.select_for_update().get(pk=user.pk)
    old_role = user.role
    if old_role == role:
        return user
    if role != Role.ADMIN:
        _ensure_another_admin(user)
    user.role = role
    user.save(update_fields=["role"])
    RoleChange.objects.create(user=user, changed_by=actor, old_role=old_role, new_role=role)
    security_logger.info(
        "role changed",
        extra={
            "event": "role_changed",
            "user_id": actor.pk,
            "target_id": user.pk,
            "old": old_role,
            "new": role,
        },
    )
    from collab.models import NotificationKind
    from collab.services import notify

    notify(
        recipients=[user],
        kind=NotificationKind.ROLE_CHANGED,
        title=f"Your role is now {Role(role).label}",
        body=f"{actor.name} changed your role from {Role(old_role).label} to {Role(role).label}.",
        url="/accounts/profile/",
        actor=actor,
    )
    return user


def end_user_sessions(*, user: User) -> int:
    """End every browser session of `user`; return how many were ended."""
    from allauth.usersessions.models import UserSession

    # Not purge_and_list(): it drops the records of an inactive person's sessions without
    # deleting the sessions themselves.
    sessions = list(UserSession.objects.filter(user_id=user.pk))
    for session in sessions:
        session.end()
    return len(sessions)


@transaction.atomic
def deactivate_user(*, actor: User, user: User) -> User:
    """Lock a person out now: sessions ended, tokens revoked, open sockets closed."""
    require_permission(actor, Permission.MANAGE_PEOPLE)
    if actor.pk == user.pk:
        raise Invalid("You cannot deactivate yourself.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return user
    _ensure_another_admin(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    now = timezone.now()
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    ended = end_user_sessions(user=user)
    user_id = user.pk
    transaction.on_commit(lambda: realtime.close_user_connections(user_id))
    security_logger.info(
        "person deactivated",
        extra={
            "event": "deactivated",
            "user_id": actor.pk,
            "target_id": user.pk,
            "tokens_revoked": revoked,
            "sessions_ended": ended,
        },
    )
    return user


@transaction.atomic
def reactivate_user(*, actor: User, user: User) -> User:
    """Let a deactivated person log in again (their old tokens stay revoked)."""
    require_permission(actor, Permission.MANAGE_PEOPLE)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        security_logger.info(
            "person reactivated",
            extra={"event": "reactivated", "user_id": actor.pk, "target_id": user.pk},
        )
    return user


# Invitations ----------------------------------------------------------------------------------
def invitation_token(invitation: Invitation) -> str:
    """Return the signed value of an invitation link."""
    return signing.dumps({"i": invitation.pk, "e": invitation.email}, salt=INVITATION_SALT)


@transaction.atomic
def invite_person(*, actor: User, email: str, role: str, base_url: str) -> Invitation:
    """Invite someone by email with a signed, expiring link that fixes their role."""
    require_permission(actor, Permission.INVITE)
    email = (email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except Exception:
        errors["email"] = ["Enter a valid email address."]
    if role not in Role.values:
        errors["role"] = [f"Choose one of: {', '.join(Role.values)}."]
    elif role == Role.ADMIN and actor.role != Role.ADMIN:
        errors["role"] = ["Only admins may invite admins."]
    if not errors.get("email") and User.objects.filter(email__iexact=email).exists():
        errors["email"] = ["Someone with this email is already on the team."]
    if errors:
        raise Invalid("Please correct the marked fields.", fields=errors)
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.COLLAB_INVITATION_MAX_AGE_DAYS),
    )
    link = f"{base_url.rstrip('/')}/accounts/invite/{invitation_token(invitation)}/"
    from accounts import tasks

    invitation_id = invitation.pk
    transaction.on_commit(lambda: tasks.send_invitation.delay(invitation_id, link))
    security_logger.info(
        "invitation sent",
        extra={"event": "invited", "user_id": actor.pk, "invitation_id": invitation.pk},
    )
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """Return the pending invitation a link names; refuse tampered, expired or used links."""
    max_age = timedelta(days=settings.COLLAB_INVITATION_MAX_AGE_DAYS)
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise Invalid(
            "This invitation has expired: ask for a new one.",
            fields={"invitation": ["This invitation has expired."]},
        ) from exc
    except signing.BadSignature as exc:
        raise Invalid(
            "This invitation link is not valid: check that you copied all of it.",
            fields={"invitation": ["This invitation link is not valid."]},
        ) from exc
    invitation = Invitation.objects.filter(pk=data.get("i"), email=data.get("e")).first()
    if invitation is None or not invitation.is_pending:
        raise Invalid(
            "This invitation has already been used, withdrawn or has expired.",
            fields={"invitation": ["This invitation can no longer be used."]},
        )
    return invitation


@transaction.atomic
def accept_invitation(*, invitation_id: int, user: User) -> User:
    """Give a newly signed-up person the invited role and tell whoever invited them."""
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
        raise Invalid("This invitation can no longer be used.")
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if user.role != invitation.role:
        old_role = user.role
        user.role = invitation.role
        user.save(update_fields=["role"])
        RoleChange.objects.create(
            user=user, changed_by=invitation.invited_by, old_role=old_role, new_role=user.role
        )
    if invitation.invited_by is not None:
        from collab.models import NotificationKind
        from collab.services import notify

        notify(
            recipients=[invitation.invited_by],
            kind=NotificationKind.INVITATION_ACCEPTED,
            title=f"{user.name} accepted your invitation",
            body=f"{user.email} joined as {Role(user.role).label}.",
            url="/people/",
            actor=user,
        )
    return user


@transaction.atomic
def withdraw_invitation(*, actor: User, invitation_id: int) -> Invitation:
    """Make a pending invitation link unusable."""
    require_permission(actor, Permission.INVITE)
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound("No such invitation.")
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation
