"""Context every page needs: the header's unread badge and what the person may do."""

from __future__ import annotations


def header(request):
    """Return the unread notification count for the header badge."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from collab.selectors import unread_notification_count

    return {"unread_notification_count": unread_notification_count(user=user)}
