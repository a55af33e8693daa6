"""Reads about people that pages and the API share."""

from accounts.models import User


def team_members():
    """Return the active people of the team, by username."""
    return User.objects.filter(is_active=True).order_by("username")
