"""Demo notifications for `manage.py seed_demo`: a few for the demo people, created once."""

from __future__ import annotations

from collab.models import Notification, NotificationKind

# recipient, actor, kind, title, body, url, read
DEMO_NOTIFICATIONS = [
    (
        "dev",
        "lead",
        NotificationKind.ISSUE_ASSIGNED,
        "Login button overlaps on mobile",
        "",
        "/issues/",
        False,
    ),
    (
        "dev",
        "dev2",
        NotificationKind.DIRECT_MESSAGE,
        "Devon Second sent you a message",
        "Can you review my branch?",
        "/chat/",
        False,
    ),
    (
        "dev",
        "designer",
        NotificationKind.MENTION,
        "Desi Designer mentioned you in #general",
        "@dev the new icons are in.",
        "/chat/",
        True,
    ),
    (
        "lead",
        "tester",
        NotificationKind.ISSUE_REPORTED,
        "New issue: Export fails for large reports",
        "",
        "/issues/",
        False,
    ),
    (
        "admin",
        "tester",
        NotificationKind.ISSUE_REPORTED,
        "New issue: Export fails for large reports",
        "",
        "/issues/",
        False,
    ),
    (
        "tester",
        "lead",
        NotificationKind.ISSUE_STATUS,
        "Your issue is in review",
        "",
        "/issues/",
        False,
    ),
    (
        "designer",
        "dev",
        NotificationKind.ISSUE_COMMENT,
        "Dev Dana commented on “Icon set”",
        "Looks great!",
        "/issues/",
        False,
    ),
]


def seed(*, people, stdout) -> None:
    """Create the demo notifications that do not exist yet."""
    from django.utils import timezone

    created = 0
    for recipient, actor, kind, title, body, url, read in DEMO_NOTIFICATIONS:
        if recipient not in people:
            continue
        # Chat's and issues' demo data may already have notified the same thing.
        if Notification.objects.filter(
            recipient=people[recipient], kind=kind, title=title
        ).exists():
            continue
        Notification.objects.create(
            recipient=people[recipient],
            kind=kind,
            title=title,
            actor=people.get(actor),
            body=body,
            url=url,
            read_at=timezone.now() if read else None,
        )
        created += 1
    if created:
        stdout.write(f"  created {created} notifications")
