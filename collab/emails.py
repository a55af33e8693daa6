"""Build the emails that notifications send: one per notification, or a daily digest."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from collab.models import Notification, NotificationKind

SUBJECT_PREFIX = "[Collab] "


def absolute(path: str) -> str:
    """Return `path` on the site's public address, for links that leave the browser."""
    return settings.NOTIFICATION_SITE_URL.rstrip("/") + path


def notification_message(notification: Notification) -> EmailMultiAlternatives:
    """Return the plain-text and HTML email for one notification."""
    recipient = notification.recipient
    context = {
        "recipient": recipient,
        "notification": notification,
        "actor_name": notification.actor.name if notification.actor else "Collab",
        "kind_label": NotificationKind(notification.kind).label,
        "open_url": absolute(reverse("notifications:open", args=[notification.pk])),
        "settings_url": absolute(reverse("notifications:settings")),
    }
    template = f"collab/email/{notification.kind}"
    message = EmailMultiAlternatives(
        subject=one_line(SUBJECT_PREFIX + notification.title),
        body=render_to_string(f"{template}.txt", context),
        to=[recipient.email],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def digest_message(*, user, day: date, notifications: list[Notification]) -> EmailMultiAlternatives:
    """Return the daily digest email: a day's notifications grouped by kind."""
    groups: dict[str, list[Notification]] = {}
    for row in notifications:
        groups.setdefault(row.kind, []).append(row)
    context = {
        "recipient": user,
        "day": day,
        "count": len(notifications),
        "groups": [
            {
                "label": NotificationKind(kind).label,
                "items": [
                    {
                        "notification": row,
                        "open_url": absolute(reverse("notifications:open", args=[row.pk])),
                    }
                    for row in rows
                ],
            }
            for kind, rows in groups.items()
        ],
        "list_url": absolute(reverse("notifications:list")),
        "settings_url": absolute(reverse("notifications:settings")),
    }
    plural = "" if len(notifications) == 1 else "s"
    message = EmailMultiAlternatives(
        subject=f"{SUBJECT_PREFIX}Your digest for {day:%A %-d %B}: "
        f"{len(notifications)} notification{plural}",
        body=render_to_string("collab/email/digest.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("collab/email/digest.html", context), "text/html")
    return message


def one_line(text: str) -> str:
    """Return `text` fit for a subject: one line, at most 200 characters."""
    return " ".join(text.split())[:200]
