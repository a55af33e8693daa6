"""Core background tasks: notification emails, digests and the nightly purge.

Tasks take ids, load fresh rows through a service and are safe to run twice.
"""

import logging
import os
import smtplib
import socket
from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from collab import selectors, services

logger = logging.getLogger(__name__)

# What a mail server that is down or refusing looks like (SMTPException is an OSError too).
MAIL_ERRORS = (smtplib.SMTPException, OSError)
RETRY = {
    "autoretry_for": MAIL_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="collab.tasks.probe")
def probe() -> dict:
    """Report which process ran this task (used to check that a worker is alive)."""
    return {"pid": os.getpid(), "host": socket.gethostname()}


@shared_task(name="collab.tasks.send_notification_email", ignore_result=True, **RETRY)
def send_notification_email(notification_id: int) -> str:
    """Mail one notification if its recipient still wants it and has not read it."""
    outcome = services.send_notification_email(notification_id=notification_id)
    logger.info("notification %s email: %s", notification_id, outcome)
    return outcome


@shared_task(name="collab.tasks.send_digest_email", ignore_result=True, **RETRY)
def send_digest_email(user_id: int, day: str) -> int:
    """Mail one person their digest of `day` (ISO date)."""
    return services.send_digest(user_id=user_id, day=date.fromisoformat(day))


@shared_task(name="collab.tasks.send_daily_digests", ignore_result=True)
def send_daily_digests(day: str | None = None) -> int:
    """Queue a digest email for everyone who wants one for `day` (default: yesterday)."""
    the_day = date.fromisoformat(day) if day else timezone.localdate() - timedelta(days=1)
    user_ids = selectors.digest_recipient_ids(day=the_day)
    for user_id in user_ids:
        send_digest_email.delay(user_id, the_day.isoformat())
    logger.info("queued %s digests for %s", len(user_ids), the_day)
    return len(user_ids)


@shared_task(name="collab.tasks.purge_read_notifications", ignore_result=True)
def purge_read_notifications(older_than_days: int | None = None) -> int:
    """Delete read notifications older than the configured age."""
    days = settings.NOTIFICATION_PURGE_DAYS if older_than_days is None else older_than_days
    deleted = services.purge_read_notifications(older_than_days=days)
    logger.info("purged %s read notifications older than %s days", deleted, days)
    return deleted
