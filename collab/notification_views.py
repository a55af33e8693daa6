"""Notification pages: the list, mark read, open a link, email settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from collab import selectors, services
from collab.errors import DomainError, NotFound
from collab.notification_forms import PreferencesForm

PAGE_SIZE = 50


@require_GET
@login_required
def notification_list(request):
    """List my notifications, newest first, optionally only the unread ones."""
    unread_only = request.GET.get("unread") == "1"
    rows = selectors.notifications_for(user=request.user, unread_only=unread_only)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "collab/notifications.html",
        {"page": page, "notifications": page.object_list, "unread_only": unread_only},
    )


@require_POST
@login_required
def notification_read(request, notification_id: int):
    """Mark one notification read, then go back to where the form was."""
    try:
        services.mark_read(user=request.user, notification_id=notification_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    return redirect(back_to(request))


@require_POST
@login_required
def notification_read_all(request):
    """Mark all my notifications read."""
    count = services.mark_all_read(user=request.user)
    if count:
        messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect(back_to(request))


@require_GET
@login_required
def notification_open(request, notification_id: int):
    """Mark a notification read and follow its link."""
    try:
        target = services.open_notification(user=request.user, notification_id=notification_id)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    return redirect(target)


@require_http_methods(["GET", "POST"])
@login_required
def notification_settings(request):
    """Choose, per kind, whether to get emails right away, in a daily digest, or never."""
    current = selectors.delivery_preferences(user=request.user)
    form = PreferencesForm(request.POST or None, initial_preferences=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_delivery_preferences(user=request.user, preferences=form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, "Your notification settings are saved.")
            return redirect("notifications:settings")
    return render(request, "collab/notifications_settings.html", {"form": form})


def back_to(request) -> str:
    """Return the `next` address if it is on this site, else the notifications page."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return services.safe_link(target)
    return "/notifications/"
