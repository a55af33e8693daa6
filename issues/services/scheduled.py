"""Scheduled issue work: escalation of stale pending issues and the leads' daily summary."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from collab.models import NotificationKind
from collab.services import notify
from issues import selectors
from issues.models import Issue, IssueStatus

logger = logging.getLogger(__name__)


def escalate_pending_issues(*, now=None) -> int:
    """Tell every lead, once, about each issue still pending after the escalation age."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.ISSUES_ESCALATE_AFTER_HOURS)
    candidates = list(
        Issue.objects.filter(
            status=IssueStatus.PENDING, escalated_at__isnull=True, created_at__lte=cutoff
        ).values_list("pk", "title")
    )
    escalated = 0
    for pk, title in candidates:
        with transaction.atomic():
            # The conditional update claims the issue: a second run (or a concurrent worker)
            # updates nothing and so notifies nobody.
            claimed = Issue.objects.filter(
                pk=pk, status=IssueStatus.PENDING, escalated_at__isnull=True
            ).update(escalated_at=now)
            if not claimed:
                continue
            notify(
                recipients=selectors.leads(),
                kind=NotificationKind.ISSUE_ESCALATED,
                title=f"#{pk} {title} is still pending after "
                f"{settings.ISSUES_ESCALATE_AFTER_HOURS} hours",
                url=f"/issues/{pk}/",
            )
            escalated += 1
    if escalated:
        logger.info("escalated %s pending issues", escalated)
    return escalated


def send_triage_summary(*, now=None) -> int:
    """Mail each lead the day's triage figures; return how many mails were sent."""
    now = now or timezone.now()
    figures = selectors.triage_figures(since=now - timedelta(days=1))
    recipients = [lead for lead in selectors.leads() if lead.email]
    if not recipients:
        return 0
    body = (
        "Collab triage summary\n\n"
        f"New in the last 24 hours: {figures['new']}\n"
        f"Pending: {figures['pending']}\n"
        f"Escalated (pending too long): {figures['escalated']}\n\n"
        "Open the triage queue: /issues/?status=pending&sort=oldest\n"
    )
    subject = f"Triage: {figures['pending']} pending, {figures['new']} new"
    messages = [EmailMessage(subject, body, to=[lead.email]) for lead in recipients]
    with get_connection() as connection:
        return connection.send_messages(messages) or 0
