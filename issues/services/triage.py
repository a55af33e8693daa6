"""Editing and triaging issues: the workflow, its permissions and its notifications."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Permission, has_permission, require_permission
from collab.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from collab.models import NotificationKind
from collab.services import notify
from issues import selectors
from issues.models import (
    CLOSED_STATUSES,
    Activity,
    Issue,
    IssueCategory,
    IssuePriority,
    IssueStatus,
)
from issues.rendering import render_markdown
from issues.services.common import (
    UNSET,
    active_person,
    activity_row,
    choice_label,
    issue_url,
    locked_issue_for,
    publish_issue,
)
from issues.services.validation import (
    clean_choice,
    clean_description,
    clean_resolution,
    clean_title,
)

# The moves a lead may make; a reporter may only reopen (closed -> in_review) within a window.
LEAD_TRANSITIONS = {
    IssueStatus.PENDING: {IssueStatus.IN_REVIEW, IssueStatus.RESOLVED, IssueStatus.REJECTED},
    IssueStatus.IN_REVIEW: {IssueStatus.RESOLVED, IssueStatus.REJECTED},
    IssueStatus.RESOLVED: {IssueStatus.IN_REVIEW},
    IssueStatus.REJECTED: {IssueStatus.IN_REVIEW},
}


@transaction.atomic
def update_issue(
    *,
    actor: User,
    issue_id: int,
    title=UNSET,
    description=UNSET,
    category=UNSET,
    status=UNSET,
    priority=UNSET,
    assignee_id=UNSET,
    resolution=UNSET,
    duplicate_of_id=UNSET,
) -> Issue:
    """Apply an edit or a triage change, log each changed field, notify and publish.

    Reporters edit title, description and category while the issue is pending (409 after) and
    may reopen a closed issue within `ISSUES_REOPEN_DAYS`; everything else is triage (leads).
    """
    issue = locked_issue_for(user=actor, issue_id=issue_id)
    is_lead = has_permission(actor, Permission.TRIAGE)
    is_reporter = issue.reporter_id == actor.pk

    # Keep only what really changes; a value equal to the current one is no change.
    changes: dict = {}
    if title is not UNSET and (title or "").strip() != issue.title:
        changes["title"] = title
    if description is not UNSET and (description or "").strip() != issue.description:
        changes["description"] = description
    if category is not UNSET and category != issue.category:
        changes["category"] = category
    if status is not UNSET and status != issue.status:
        changes["status"] = status
    if priority is not UNSET and priority != issue.priority:
        changes["priority"] = priority
    if assignee_id is not UNSET and assignee_id != issue.assignee_id:
        changes["assignee"] = assignee_id
    if resolution is not UNSET and (resolution or "").strip() != issue.resolution:
        changes["resolution"] = resolution
    if duplicate_of_id is not UNSET and duplicate_of_id != issue.duplicate_of_id:
        changes["duplicate_of"] = duplicate_of_id
    if not changes:
        return issue

    reopening = changes.get("status") == IssueStatus.IN_REVIEW and issue.status in CLOSED_STATUSES
    if reopening:
        # Clearing the resolution or the duplicate link is part of reopening, not triage.
        if not (changes.get("resolution", "x") or "").strip():
            changes.pop("resolution", None)
        if changes.get("duplicate_of", 0) is None:
            changes.pop("duplicate_of")

    # Permissions first (403, 409), then values (400).
    content = {"title", "description", "category"} & changes.keys()
    triage = {"priority", "assignee", "resolution", "duplicate_of"} & changes.keys()
    if content and not is_lead:
        if not is_reporter:
            raise Forbidden("Only the reporter or a lead may edit this issue.")
        if issue.status != IssueStatus.PENDING:
            raise Conflict(
                "This issue is no longer pending, so it cannot be edited. Add a comment instead."
            )
    if triage and not is_lead:
        require_permission(actor, Permission.TRIAGE)
    if "status" in changes:
        new_status = clean_choice("status", changes["status"], IssueStatus)
        if is_lead:
            if new_status not in LEAD_TRANSITIONS.get(issue.status, set()):
                raise Conflict(
                    f"An issue cannot move from {choice_label(issue.status, IssueStatus).lower()} "
                    f"to {choice_label(new_status, IssueStatus).lower()}.",
                    fields={"status": ["This move is not allowed."]},
                )
        elif is_reporter and reopening:
            window = timedelta(days=settings.ISSUES_REOPEN_DAYS)
            if issue.closed_at and timezone.now() - issue.closed_at > window:
                raise Forbidden(
                    f"Reporters may reopen an issue within {settings.ISSUES_REOPEN_DAYS} days "
                    "of its closing; ask a lead."
                )
        else:
            require_permission(actor, Permission.TRIAGE)

    errors: dict[str, list[str]] = {}
    cleaned: dict = {}

    def collect(field, clean):
        try:
            cleaned[field] = clean()
        except Invalid as exc:
            errors.update(exc.fields or {field: [exc.detail]})

    if "title" in changes:
        collect("title", lambda: clean_title(changes["title"]))
    if "description" in changes:
        collect("description", lambda: clean_description(changes["description"]))
    if "category" in changes:
        collect("category", lambda: clean_choice("category", changes["category"], IssueCategory))
    if "priority" in changes:
        collect("priority", lambda: clean_choice("priority", changes["priority"], IssuePriority))
    if "assignee" in changes:
        collect("assignee", lambda: active_person(changes["assignee"]))
    if "status" in changes:
        cleaned["status"] = changes["status"]
    if "resolution" in changes:
        collect("resolution", lambda: clean_resolution(changes["resolution"]))
    if "duplicate_of" in changes and changes["duplicate_of"] is not None:
        collect("duplicate_of", lambda: duplicate_target(issue, changes["duplicate_of"]))

    final_status = cleaned.get("status", issue.status)
    if reopening:
        # Reopening starts over: the old resolution stays in the activity log.
        cleaned["resolution"] = ""
        cleaned["duplicate_of"] = None
        errors.pop("resolution", None)
    final_duplicate = cleaned.get("duplicate_of", issue.duplicate_of if not reopening else None)
    if "duplicate_of" in changes and changes["duplicate_of"] is None:
        final_duplicate = None
        cleaned["duplicate_of"] = None
    if final_duplicate is not None and final_status != IssueStatus.REJECTED:
        errors["duplicate_of"] = ["Only a rejected issue can be a duplicate."]
    final_resolution = cleaned.get("resolution", issue.resolution)
    if final_status in CLOSED_STATUSES and not final_resolution and "resolution" not in errors:
        if final_duplicate is not None:
            final_resolution = cleaned["resolution"] = f"Duplicate of #{final_duplicate.pk}."
        else:
            errors["resolution"] = ["Say how it was resolved, or why it was rejected."]
    if final_status not in CLOSED_STATUSES and final_resolution and "resolution" in changes:
        errors["resolution"] = ["A resolution is set only when resolving or rejecting."]
    if errors:
        raise Invalid("Please correct the marked fields.", fields=errors)

    old_status, old_assignee_id = issue.status, issue.assignee_id
    now = timezone.now()
    log: list[Activity] = []
    if "title" in cleaned:
        log.append(activity_row(issue, actor, "title", issue.title, cleaned["title"]))
        issue.title = cleaned["title"]
    if "description" in cleaned:
        log.append(
            activity_row(issue, actor, "description", issue.description, cleaned["description"])
        )
        issue.description = cleaned["description"]
        issue.description_html = render_markdown(issue.description)
    if "category" in cleaned:
        log.append(activity_row(issue, actor, "category", issue.category, cleaned["category"]))
        issue.category = cleaned["category"]
    if "priority" in cleaned:
        log.append(activity_row(issue, actor, "priority", issue.priority, cleaned["priority"]))
        issue.priority = cleaned["priority"]
    if "assignee" in cleaned:
        new_assignee = cleaned["assignee"]
        old_name = issue.assignee.username if issue.assignee_id else ""
        log.append(
            activity_row(issue, actor, "assignee", old_name, getattr(new_assignee, "username", ""))
        )
        issue.assignee = new_assignee
    if "status" in cleaned:
        log.append(activity_row(issue, actor, "status", issue.status, cleaned["status"]))
        issue.status = cleaned["status"]
        issue.closed_at = now if issue.status in CLOSED_STATUSES else None
    if "resolution" in cleaned and cleaned["resolution"] != issue.resolution:
        log.append(
            activity_row(issue, actor, "resolution", issue.resolution, cleaned["resolution"])
        )
        issue.resolution = cleaned["resolution"]
    if "duplicate_of" in cleaned and cleaned["duplicate_of"] != issue.duplicate_of:
        old_dup = f"#{issue.duplicate_of_id}" if issue.duplicate_of_id else ""
        new_dup = f"#{cleaned['duplicate_of'].pk}" if cleaned["duplicate_of"] else ""
        log.append(activity_row(issue, actor, "duplicate_of", old_dup, new_dup))
        issue.duplicate_of = cleaned["duplicate_of"]
    issue.updated_at = now
    issue.save()
    Activity.objects.bulk_create(log)

    url = issue_url(issue)
    if issue.status != old_status:
        recipients = [issue.reporter] + ([issue.assignee] if issue.assignee_id else [])
        body = issue.resolution if issue.status in CLOSED_STATUSES else ""
        notify(
            recipients=recipients,
            kind=NotificationKind.ISSUE_STATUS,
            title=f"#{issue.pk} {issue.title}: {choice_label(issue.status, IssueStatus).lower()}",
            body=body,
            url=url,
            actor=actor,
        )
    if issue.assignee_id and issue.assignee_id != old_assignee_id:
        notify(
            recipients=[issue.assignee],
            kind=NotificationKind.ISSUE_ASSIGNED,
            title=f"You were assigned #{issue.pk}: {issue.title}",
            url=url,
            actor=actor,
        )
    also = [old_assignee_id] if old_assignee_id else []
    publish_issue(issue, changes=[a.field for a in log], also=also)
    return issue


@transaction.atomic
def reopen_issue(*, actor: User, issue_id: int) -> Issue:
    """Move a resolved or rejected issue back to in review (reporter within the window, leads)."""
    issue = locked_issue_for(user=actor, issue_id=issue_id)
    if issue.status not in CLOSED_STATUSES:
        raise Conflict("Only a resolved or rejected issue can be reopened.")
    return update_issue(actor=actor, issue_id=issue_id, status=IssueStatus.IN_REVIEW)


def duplicate_target(issue: Issue, other_id) -> Issue:
    try:
        other = Issue.objects.get(pk=selectors.as_id(other_id))
    except (Issue.DoesNotExist, NotFound):
        raise Invalid(
            "No issue has that number.", fields={"duplicate_of": ["No issue has that number."]}
        ) from None
    if other.pk == issue.pk:
        raise Invalid(
            "An issue cannot duplicate itself.",
            fields={"duplicate_of": ["An issue cannot duplicate itself."]},
        )
    return other


@transaction.atomic
def bulk_update_issues(*, actor: User, issue_ids: Iterable[int], **changes) -> list[Issue]:
    """Apply the same triage change to several issues, all or none."""
    require_permission(actor, Permission.TRIAGE)
    ids = sorted({selectors.as_id(pk) for pk in issue_ids})
    if not ids:
        raise Invalid("Select at least one issue.", fields={"issues": ["Select an issue."]})
    updated = []
    for pk in ids:
        try:
            updated.append(update_issue(actor=actor, issue_id=pk, **changes))
        except DomainError as exc:
            # Name the issue that stopped the batch; nothing of it was stored.
            raise type(exc)(f"#{pk}: {exc.detail}", fields=exc.fields) from exc
    return updated
