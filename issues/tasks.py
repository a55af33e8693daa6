"""Scheduled issue work (both safe to run twice)."""

from celery import shared_task

from issues import services


@shared_task(name="issues.tasks.escalate_pending_issues")
def escalate_pending_issues() -> int:
    """Tell leads, once, about issues pending longer than the escalation age."""
    return services.escalate_pending_issues()


@shared_task(name="issues.tasks.send_triage_summary")
def send_triage_summary() -> int:
    """Mail each lead the daily triage summary."""
    return services.send_triage_summary()
