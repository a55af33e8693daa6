"""Reads about people that pages and the API share."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import ApiToken, Invitation, User
from collab.presence import online_user_ids


def team_members():
    """Return the active people of the team, by username."""
    return User.objects.filter(is_active=True).order_by("username")


def people_directory(*, query: str = "", include_inactive: bool = False):
    """Return people matching `query` (username, name or email), by username."""
    people = User.objects.all() if include_inactive else User.objects.filter(is_active=True)
    query = (query or "").strip()[:100]
    if query:
        people = people.filter(
            Q(username__icontains=query)
            | Q(display_name__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    return people.order_by("-is_active", "username")


def with_online_state(people) -> list:
    """Mark each person with `is_online` (one cache round trip for the whole page)."""
    people = list(people)
    online = online_user_ids(p.pk for p in people)
    for person in people:
        person.is_online = person.pk in online
    return people


def tokens_of(*, user: User):
    """Return a person's tokens, live ones first."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def pending_invitations():
    """Return invitations not yet accepted, withdrawn or expired, newest first."""
    from django.utils import timezone

    return (
        Invitation.objects.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("invited_by")
        .order_by("-created_at")
    )
