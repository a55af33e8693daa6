"""Per-request account context: the client's address for security logs, the person's time
zone, and the two-factor requirement for staff and leads."""

from __future__ import annotations

import contextvars
import logging
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone

client_ip_var: contextvars.ContextVar[str] = contextvars.ContextVar("client_ip", default="-")

# Paths a person who still has to set up two-factor authentication may reach.
MFA_SETUP_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/api/", "/healthz", "/readyz", "/ws/")


def client_ip(request) -> str:
    """Return the address the request came from (the proxy's header when there is one)."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter().get_client_ip(request)
    except Exception:  # allauth refuses requests it cannot place; a log line still needs a value
        return request.META.get("REMOTE_ADDR", "-") or "-"


class ClientIpFilter(logging.Filter):
    """Add the current request's client address to every security record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "ip"):
            record.ip = client_ip_var.get()
        return True


class ClientIpMiddleware:
    """Remember the client's address for the duration of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_ip_var.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            client_ip_var.reset(token)


class UserTimezoneMiddleware:
    """Show times in the person's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone != "UTC":
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


def needs_mfa_setup(user) -> bool:
    """Return whether `user` must set up two-factor authentication before going on."""
    if not settings.COLLAB_MFA_REQUIRED_FOR_LEADS:
        return False
    if not user.is_authenticated or not (user.is_staff or user.is_lead):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireMfaMiddleware:
    """Send staff and leads without two-factor authentication to its setup, when required."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(MFA_SETUP_EXEMPT_PREFIXES) and needs_mfa_setup(request.user):
            messages.warning(
                request,
                "Your role needs two-factor authentication: set up an authenticator app "
                "to continue.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
