"""Reporting issues, commenting and attaching files."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Permission, require_permission
from collab.errors import Invalid
from collab.models import NotificationKind
from collab.services import notify
from issues import selectors
from issues.models import (
    Activity,
    Attachment,
    Comment,
    Issue,
    IssueCategory,
    IssuePriority,
    IssueStatus,
)
from issues.rendering import render_markdown
from issues.services.common import activity_row, issue_url, locked_issue_for, publish_issue
from issues.services.validation import (
    check_files,
    clean_choice,
    clean_comment_body,
    clean_description,
    clean_title,
)


@transaction.atomic
def report_issue(
    *,
    reporter: User,
    title: str,
    description: str = "",
    category: str = IssueCategory.BUG,
    priority: str = IssuePriority.MEDIUM,
    source_message_id: int | None = None,
    files: Sequence = (),
) -> Issue:
    """Store a new issue with its attachments, tell every lead, and publish it after commit."""
    require_permission(reporter, Permission.REPORT)
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for field, clean in (
        ("title", lambda: clean_title(title)),
        ("description", lambda: clean_description(description)),
        ("category", lambda: clean_choice("category", category, IssueCategory)),
        ("priority", lambda: clean_choice("priority", priority, IssuePriority)),
        ("attachments", lambda: check_files(files)),
    ):
        try:
            cleaned[field] = clean()
        except Invalid as exc:
            errors.update(exc.fields)
    if errors:
        raise Invalid("Please correct the marked fields.", fields=errors)
    # A message the reporter cannot read is ignored rather than refused: the link is a courtesy.
    source = selectors.source_message_for(user=reporter, message_id=source_message_id)
    now = timezone.now()
    issue = Issue.objects.create(
        title=cleaned["title"],
        description=cleaned["description"],
        description_html=render_markdown(cleaned["description"]),
        category=cleaned["category"],
        priority=cleaned["priority"],
        reporter=reporter,
        source_message=source,
        created_at=now,
        updated_at=now,
    )
    Activity.objects.create(
        issue=issue, actor=reporter, field="status", old="", new=IssueStatus.PENDING
    )
    notify(
        recipients=selectors.leads(),
        kind=NotificationKind.ISSUE_REPORTED,
        title=f"New issue #{issue.pk}: {issue.title}",
        body=f"{reporter.name} reported a {issue.get_category_display().lower()}.",
        url=issue_url(issue),
        actor=reporter,
    )
    publish_issue(issue, changes=["created"])
    store_files(issue=issue, actor=reporter, checked=cleaned["attachments"])
    return issue


@transaction.atomic
def add_comment(*, author: User, issue_id: int, body: str) -> Comment:
    """Store a comment and tell the reporter, the assignee and earlier commenters."""
    issue = locked_issue_for(user=author, issue_id=issue_id)
    body = clean_comment_body(body)
    # An earlier commenter who can no longer see the issue (a former assignee) is not told.
    earlier = [p for p in selectors.commenters(issue) if selectors.can_see(p, issue)]
    now = timezone.now()
    comment = Comment.objects.create(
        issue=issue, author=author, body=body, html=render_markdown(body), created_at=now
    )
    Issue.objects.filter(pk=issue.pk).update(updated_at=now)
    issue.updated_at = now
    recipients = {p.pk: p for p in earlier}
    recipients[issue.reporter_id] = issue.reporter
    if issue.assignee_id:
        recipients[issue.assignee_id] = issue.assignee
    notify(
        recipients=recipients.values(),
        kind=NotificationKind.ISSUE_COMMENT,
        title=f"{author.name} commented on #{issue.pk}: {issue.title}",
        body=body[:300],
        url=f"{issue_url(issue)}#comment-{comment.pk}",
        actor=author,
    )
    publish_issue(issue, changes=["comment"])
    return comment


@transaction.atomic
def add_attachments(*, actor: User, issue_id: int, files: Sequence) -> list[Attachment]:
    """Check and store files on an issue someone concerned can see."""
    issue = locked_issue_for(user=actor, issue_id=issue_id)
    checked = check_files(files)
    if not checked:
        raise Invalid("Choose a file to attach.", fields={"attachments": ["Choose a file."]})
    issue.updated_at = timezone.now()
    Issue.objects.filter(pk=issue.pk).update(updated_at=issue.updated_at)
    publish_issue(issue, changes=["attachment"])
    return store_files(issue=issue, actor=actor, checked=checked)


def store_files(*, issue: Issue, actor: User, checked) -> list[Attachment]:
    """Write checked files through the storage API and their rows; undo the files on failure.

    Runs last in its transaction, so a failure after it is unlikely; any files written before
    an error are deleted, so a refused upload leaves nothing behind.
    """
    stored: list[Attachment] = []
    try:
        for upload, kind, name in checked:
            attachment = Attachment(
                issue=issue,
                uploaded_by=actor,
                name=name,
                content_type=kind.content_type,
                size=upload.size,
            )
            upload.seek(0)
            attachment.file.save(f"{uuid.uuid4().hex}{kind.extension}", upload, save=False)
            stored.append(attachment)
        Attachment.objects.bulk_create(stored)
        Activity.objects.bulk_create(
            [activity_row(issue, actor, "attachment", "", a.name) for a in stored]
        )
    except Exception:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return stored
