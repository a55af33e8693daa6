"""Every change to issues: report, edit, triage, reopen, comment, attach, escalate."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Permission, has_permission, require_permission
from collab import realtime
from collab.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from collab.models import NotificationKind
from collab.services import notify
from issues import selectors
from issues.filetypes import JPEG, TEXT, sniff
from issues.models import (
    CLOSED_STATUSES,
    COMMENT_MAX,
    DESCRIPTION_MAX,
    RESOLUTION_MAX,
    TITLE_MAX,
    TITLE_MIN,
    Activity,
    Attachment,
    Comment,
    Issue,
    IssueCategory,
    IssuePriority,
    IssueStatus,
)
from issues.rendering import render_markdown

logger = logging.getLogger(__name__)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()

# The moves a lead may make; a reporter may only reopen (closed -> in_review) within a window.
LEAD_TRANSITIONS = {
    IssueStatus.PENDING: {IssueStatus.IN_REVIEW, IssueStatus.RESOLVED, IssueStatus.REJECTED},
    IssueStatus.IN_REVIEW: {IssueStatus.RESOLVED, IssueStatus.REJECTED},
    IssueStatus.RESOLVED: {IssueStatus.IN_REVIEW},
    IssueStatus.REJECTED: {IssueStatus.IN_REVIEW},
}

MAX_FILES_PER_UPLOAD = 10
SAFE_EXTENSIONS = {
    JPEG.content_type: {".jpg", ".jpeg"},
    TEXT.content_type: {".txt", ".log", ".md"},
}


# Validation -----------------------------------------------------------------------------------
def clean_title(title) -> str:
    title = (title or "").strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise Invalid(
            f"The title must be {TITLE_MIN} to {TITLE_MAX} characters.",
            fields={"title": [f"Use {TITLE_MIN} to {TITLE_MAX} characters."]},
        )
    return title


def clean_description(description) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise Invalid(
            f"The description may have at most {DESCRIPTION_MAX:,} characters.",
            fields={"description": [f"Use at most {DESCRIPTION_MAX:,} characters."]},
        )
    return description


def clean_choice(field: str, value, choices) -> str:
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise Invalid(
            f"{value!r} is not a valid {field}.",
            fields={field: [f"Choose one of: {allowed}."]},
        )
    return str(value)


def clean_resolution(resolution) -> str:
    resolution = (resolution or "").strip()
    if len(resolution) > RESOLUTION_MAX:
        raise Invalid(
            f"The resolution may have at most {RESOLUTION_MAX:,} characters.",
            fields={"resolution": [f"Use at most {RESOLUTION_MAX:,} characters."]},
        )
    return resolution


def clean_comment_body(body) -> str:
    body = (body or "").strip()
    if not 1 <= len(body) <= COMMENT_MAX:
        raise Invalid(
            f"A comment must be 1 to {COMMENT_MAX:,} characters.",
            fields={"body": [f"Write 1 to {COMMENT_MAX:,} characters."]},
        )
    return body


def check_files(files: Sequence) -> list[tuple[object, object, str]]:
    """Return (file, kind, safe name) for each upload, or raise Invalid naming every bad one."""
    files = [f for f in files if f is not None]
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise Invalid(
            f"Attach at most {MAX_FILES_PER_UPLOAD} files at a time.",
            fields={"attachments": [f"Attach at most {MAX_FILES_PER_UPLOAD} files at a time."]},
        )
    limit = settings.ISSUES_ATTACHMENT_MAX_BYTES
    errors, checked = [], []
    for upload in files:
        name = safe_file_name(getattr(upload, "name", "") or "file")
        if upload.size > limit:
            errors.append(f"{name} is larger than {limit // (1024 * 1024)} MB.")
            continue
        if upload.size == 0:
            errors.append(f"{name} is empty.")
            continue
        kind = sniff(upload)
        if kind is None:
            errors.append(
                f"{name} is not an image (PNG, JPEG, GIF, WebP), a PDF or a plain text file."
            )
            continue
        checked.append((upload, kind, name_for_kind(name, kind)))
    if errors:
        raise Invalid(" ".join(errors), fields={"attachments": errors})
    return checked


def safe_file_name(name: str) -> str:
    """Return a display name: no folders, no control characters, at most 150 characters."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>:|?*;')
    return (name.strip(" .") or "file")[-150:]


def name_for_kind(name: str, kind) -> str:
    """Make the download name end in an extension that matches what the file really is."""
    _stem, ext = os.path.splitext(name)
    allowed = SAFE_EXTENSIONS.get(kind.content_type, {kind.extension})
    return name if ext.lower() in allowed else f"{name}{kind.extension}"


# Reads used while writing ------------------------------------------------------------------------
def _locked_issue_for(*, user, issue_id) -> Issue:
    """Lock and return an issue `user` may see, or raise NotFound."""
    try:
        issue = Issue.objects.select_for_update().get(pk=selectors.as_id(issue_id))
    except Issue.DoesNotExist:
        raise NotFound("No such issue.") from None
    if not selectors.can_see(user, issue):
        raise NotFound("No such issue.")
    return issue


def _person(user_id) -> User | None:
    if user_id is None:
        return None
    try:
        return User.objects.get(pk=selectors.as_id(user_id), is_active=True)
    except (User.DoesNotExist, NotFound):
        raise Invalid(
            "No active person has that id.", fields={"assignee": ["Choose an active person."]}
        ) from None


def _label(value: str, choices) -> str:
    return choices(value).label if value in choices.values else value


def _issue_url(issue: Issue) -> str:
    return f"/issues/{issue.pk}/"


# Events -----------------------------------------------------------------------------------------
def _publish(issue: Issue, *, changes: Iterable[str], also: Iterable[int] = ()) -> None:
    """Send `issue.updated` after commit to its reporter, assignee, leads (and `also`)."""
    from issues.serializers import IssueSerializer

    frame = {
        "type": "issue.updated",
        "issue": IssueSerializer(issue).data,
        "changes": sorted(set(changes)),
    }
    people = {issue.reporter_id, *selectors.lead_ids(), *also}
    if issue.assignee_id:
        people.add(issue.assignee_id)
    realtime.publish_to_users(people, frame)


def _log(issue: Issue, actor, field: str, old, new) -> Activity:
    return Activity(issue=issue, actor=actor, field=field, old=str(old or ""), new=str(new or ""))


# Report ----------------------------------------------------------------------------------------
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
        url=_issue_url(issue),
        actor=reporter,
    )
    _publish(issue, changes=["created"])
    _store_files(issue=issue, actor=reporter, checked=cleaned["attachments"])
    return issue


# Edit and triage ----------------------------------------------------------------------------------
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
    issue = _locked_issue_for(user=actor, issue_id=issue_id)
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
                    f"An issue cannot move from {_label(issue.status, IssueStatus).lower()} "
                    f"to {_label(new_status, IssueStatus).lower()}.",
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
        collect("assignee", lambda: _person(changes["assignee"]))
    if "status" in changes:
        cleaned["status"] = changes["status"]
    if "resolution" in changes:
        collect("resolution", lambda: clean_resolution(changes["resolution"]))
    if "duplicate_of" in changes and changes["duplicate_of"] is not None:
        collect("duplicate_of", lambda: _duplicate_target(issue, changes["duplicate_of"]))

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
        log.append(_log(issue, actor, "title", issue.title, cleaned["title"]))
        issue.title = cleaned["title"]
    if "description" in cleaned:
        log.append(_log(issue, actor, "description", issue.description, cleaned["description"]))
        issue.description = cleaned["description"]
        issue.description_html = render_markdown(issue.description)
    if "category" in cleaned:
        log.append(_log(issue, actor, "category", issue.category, cleaned["category"]))
        issue.category = cleaned["category"]
    if "priority" in cleaned:
        log.append(_log(issue, actor, "priority", issue.priority, cleaned["priority"]))
        issue.priority = cleaned["priority"]
    if "assignee" in cleaned:
        new_assignee = cleaned["assignee"]
        old_name = issue.assignee.username if issue.assignee_id else ""
        log.append(_log(issue, actor, "assignee", old_name, getattr(new_assignee, "username", "")))
        issue.assignee = new_assignee
    if "status" in cleaned:
        log.append(_log(issue, actor, "status", issue.status, cleaned["status"]))
        issue.status = cleaned["status"]
        issue.closed_at = now if issue.status in CLOSED_STATUSES else None
    if "resolution" in cleaned and cleaned["resolution"] != issue.resolution:
        log.append(_log(issue, actor, "resolution", issue.resolution, cleaned["resolution"]))
        issue.resolution = cleaned["resolution"]
    if "duplicate_of" in cleaned and cleaned["duplicate_of"] != issue.duplicate_of:
        old_dup = f"#{issue.duplicate_of_id}" if issue.duplicate_of_id else ""
        new_dup = f"#{cleaned['duplicate_of'].pk}" if cleaned["duplicate_of"] else ""
        log.append(_log(issue, actor, "duplicate_of", old_dup, new_dup))
        issue.duplicate_of = cleaned["duplicate_of"]
    issue.updated_at = now
    issue.save()
    Activity.objects.bulk_create(log)

    url = _issue_url(issue)
    if issue.status != old_status:
        recipients = [issue.reporter] + ([issue.assignee] if issue.assignee_id else [])
        body = issue.resolution if issue.status in CLOSED_STATUSES else ""
        notify(
            recipients=recipients,
            kind=NotificationKind.ISSUE_STATUS,
            title=f"#{issue.pk} {issue.title}: {_label(issue.status, IssueStatus).lower()}",
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
    _publish(issue, changes=[a.field for a in log], also=also)
    return issue


@transaction.atomic
def reopen_issue(*, actor: User, issue_id: int) -> Issue:
    """Move a resolved or rejected issue back to in review (reporter within the window, leads)."""
    issue = _locked_issue_for(user=actor, issue_id=issue_id)
    if issue.status not in CLOSED_STATUSES:
        raise Conflict("Only a resolved or rejected issue can be reopened.")
    return update_issue(actor=actor, issue_id=issue_id, status=IssueStatus.IN_REVIEW)


def _duplicate_target(issue: Issue, other_id) -> Issue:
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


# Comments and attachments ----------------------------------------------------------------------
@transaction.atomic
def add_comment(*, author: User, issue_id: int, body: str) -> Comment:
    """Store a comment and tell the reporter, the assignee and earlier commenters."""
    issue = _locked_issue_for(user=author, issue_id=issue_id)
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
        url=f"{_issue_url(issue)}#comment-{comment.pk}",
        actor=author,
    )
    _publish(issue, changes=["comment"])
    return comment


@transaction.atomic
def add_attachments(*, actor: User, issue_id: int, files: Sequence) -> list[Attachment]:
    """Check and store files on an issue someone concerned can see."""
    issue = _locked_issue_for(user=actor, issue_id=issue_id)
    checked = check_files(files)
    if not checked:
        raise Invalid("Choose a file to attach.", fields={"attachments": ["Choose a file."]})
    issue.updated_at = timezone.now()
    Issue.objects.filter(pk=issue.pk).update(updated_at=issue.updated_at)
    _publish(issue, changes=["attachment"])
    return _store_files(issue=issue, actor=actor, checked=checked)


def _store_files(*, issue: Issue, actor: User, checked) -> list[Attachment]:
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
        Activity.objects.bulk_create([_log(issue, actor, "attachment", "", a.name) for a in stored])
    except Exception:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return stored


# Scheduled work --------------------------------------------------------------------------------
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
