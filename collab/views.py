"""Core pages: the dashboard and the error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from chat import selectors as chat_selectors
from collab import selectors
from issues.selectors import open_issues_for


@login_required
def dashboard(request):
    """Show my rooms, my open issues and my recent notifications."""
    context = {
        "chat_rooms": chat_selectors.rooms_for(user=request.user),
        "notifications": selectors.recent_notifications(user=request.user, limit=8),
        "open_issues": open_issues_for(user=request.user, limit=8),
    }
    return render(request, "collab/dashboard.html", context)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)
