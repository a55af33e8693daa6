"""Security log lines for sign-in and sign-out (Django's own auth signals)."""

from __future__ import annotations

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

security_logger = logging.getLogger("collab.security")


@receiver(user_logged_in, dispatch_uid="collab.security.logged_in")
def log_login(sender, request, user, **kwargs):
    security_logger.info("login succeeded", extra={"event": "login", "user_id": user.pk})


@receiver(user_logged_out, dispatch_uid="collab.security.logged_out")
def log_logout(sender, request, user, **kwargs):
    security_logger.info(
        "logged out", extra={"event": "logout", "user_id": getattr(user, "pk", None)}
    )
