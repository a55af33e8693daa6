"""Reads about issues that pages, the API, exports and services share (no N+1)."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Q, Value, When

from accounts.models import LEAD_ROLES, User
from accounts.permissions import Permission, has_permission
from collab.errors import NotFound
from issues.models import PRIORITY_RANK, Activity, Attachment, Comment, Issue, IssueStatus

SORTS = {
    "newest": "Newest first",
    "priority": "Most urgent first",
    "oldest": "Oldest untriaged first",
}


MAX_ID = 2**63 - 1


def as_id(value) -> int:
    """Return `value` as a database id, or raise NotFound (never a 500 for a huge number)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound("Not found.") from None
    if not 1 <= number <= MAX_ID:
        raise NotFound("Not found.")
    return number


def can_see(user, issue: Issue) -> bool:
    """Return whether `user` may see `issue`: leads all; others what they reported or hold."""
    if has_permission(user, Permission.TRIAGE):
        return True
    return user.is_authenticated and user.pk in (issue.reporter_id, issue.assignee_id)


def visible_issues(*, user):
    """Return the issues `user` may see."""
    issues = Issue.objects.all()
    if not has_permission(user, Permission.TRIAGE):
        if not user.is_authenticated or not user.is_active:
            return issues.none()
        issues = issues.filter(Q(reporter=user) | Q(assignee=user))
    return issues


def issue_list(
    *,
    user,
    status: str = "",
    priority: str = "",
    category: str = "",
    assignee: str | int | None = None,
    reporter: int | None = None,
    q: str = "",
    sort: str = "newest",
):
    """Return the visible issues matching the filters, sorted, with people joined."""
    issues = filter_issues(
        visible_issues(user=user),
        status=status,
        priority=priority,
        category=category,
        assignee=assignee,
        reporter=reporter,
        q=q,
    )
    return sort_issues(issues, sort).select_related("reporter", "assignee")


def filter_issues(
    issues, *, status="", priority="", category="", assignee=None, reporter=None, q=""
):
    """Narrow `issues` by already validated filter values (blank means any)."""
    if status:
        issues = issues.filter(status=status)
    if priority:
        issues = issues.filter(priority=priority)
    if category:
        issues = issues.filter(category=category)
    if assignee == "none":
        issues = issues.filter(assignee__isnull=True)
    elif assignee:
        issues = issues.filter(assignee_id=assignee)
    if reporter:
        issues = issues.filter(reporter_id=reporter)
    q = (q or "").strip()
    if q:
        issues = issues.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return issues


def sort_issues(issues, sort: str):
    """Order issues: newest, most urgent first, or oldest untriaged first."""
    if sort == "priority":
        rank = Case(
            *[When(priority=value, then=Value(n)) for value, n in PRIORITY_RANK.items()],
            output_field=IntegerField(),
        )
        return issues.order_by(rank, "-created_at", "-id")
    if sort == "oldest":
        untriaged = Case(
            When(status=IssueStatus.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return issues.order_by(untriaged, "created_at", "id")
    return issues.order_by("-created_at", "-id")


def status_counts(*, user) -> dict[str, int]:
    """Return how many visible issues are in each status, plus `all`, in one query."""
    aggregates = {value: Count("id", filter=Q(status=value)) for value in IssueStatus.values}
    counts = visible_issues(user=user).aggregate(all=Count("id"), **aggregates)
    return counts


def issue_for(*, user, issue_id) -> Issue:
    """Return one issue `user` may see, with its people and links joined, or raise NotFound."""
    try:
        issue = Issue.objects.select_related(
            "reporter", "assignee", "source_message", "duplicate_of"
        ).get(pk=as_id(issue_id))
    except Issue.DoesNotExist:
        raise NotFound("No such issue.") from None
    if not can_see(user, issue):
        raise NotFound("No such issue.")
    return issue


def comments_for(issue: Issue):
    """Return an issue's comments, oldest first, with their authors."""
    return Comment.objects.filter(issue=issue).select_related("author").order_by("created_at", "id")


def activity_for(issue: Issue):
    """Return an issue's activity, oldest first, with the actors."""
    return Activity.objects.filter(issue=issue).select_related("actor").order_by("created_at", "id")


def attachments_for(issue: Issue):
    """Return an issue's attachments, oldest first."""
    return Attachment.objects.filter(issue=issue).order_by("created_at", "id")


def attachment_for(*, user, issue_id, attachment_id) -> Attachment:
    """Return an attachment of an issue `user` may see, or raise NotFound."""
    issue = issue_for(user=user, issue_id=issue_id)
    try:
        return Attachment.objects.get(pk=as_id(attachment_id), issue=issue)
    except Attachment.DoesNotExist:
        raise NotFound("No such attachment.") from None


def commenters(issue: Issue) -> list[User]:
    """Return the distinct people who commented on `issue`."""
    return list(User.objects.filter(issue_comments__issue=issue).distinct())


def leads():
    """Return the active leads (who triage and are told about new issues)."""
    return User.objects.filter(role__in=LEAD_ROLES, is_active=True).order_by("username")


def lead_ids() -> list[int]:
    """Return the ids of the active leads."""
    return list(leads().values_list("pk", flat=True))


def assignable_people():
    """Return who may be assigned an issue: every active person."""
    return User.objects.filter(is_active=True).order_by("username")


def open_issues_for(*, user, limit: int = 8):
    """Return the open issues I reported or am assigned to, newest change first."""
    return (
        Issue.objects.filter(Q(reporter=user) | Q(assignee=user))
        .filter(status__in=[IssueStatus.PENDING, IssueStatus.IN_REVIEW])
        .order_by("-updated_at", "-id")[:limit]
    )


def source_message_for(*, user, message_id):
    """Return the chat message `user` may quote (a member of its room, not deleted), or None."""
    from chat.models import Membership, Message

    if not message_id:
        return None
    try:
        message = Message.objects.select_related("room", "author").get(
            pk=as_id(message_id), deleted_at__isnull=True
        )
    except (Message.DoesNotExist, NotFound):
        return None
    if not Membership.objects.filter(room_id=message.room_id, user=user).exists():
        return None
    return message


def triage_figures(*, since) -> dict[str, int]:
    """Return the counts of the leads' daily summary, in one query."""
    return Issue.objects.aggregate(
        new=Count("id", filter=Q(created_at__gte=since)),
        pending=Count("id", filter=Q(status=IssueStatus.PENDING)),
        escalated=Count("id", filter=Q(status=IssueStatus.PENDING, escalated_at__isnull=False)),
    )


def issues_raised_from(*, user, message_ids) -> dict[int, list[Issue]]:
    """Return, per chat message id, the issues raised from it that `user` may see (one query).

    For chat's "issue raised from this message" marker: a message list asks once for its page.
    """
    raised: dict[int, list[Issue]] = {}
    ids = [pk for pk in message_ids if pk]
    if not ids:
        return raised
    issues = (
        visible_issues(user=user)
        .filter(source_message_id__in=ids)
        .only("id", "title", "status", "source_message_id")
        .order_by("id")
    )
    for issue in issues:
        raised.setdefault(issue.source_message_id, []).append(issue)
    return raised
