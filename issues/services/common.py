"""What the issue services share: the locked read, activity rows and the live event."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import User
from collab import realtime
from collab.errors import Invalid, NotFound
from issues import selectors
from issues.models import Activity, Issue


class _Unset:
    """An argument that was not given: None is a value ("unassign"), so it cannot mean that."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


def locked_issue_for(*, user, issue_id) -> Issue:
    """Lock and return an issue `user` may see, or raise NotFound."""
    try:
        issue = Issue.objects.select_for_update().get(pk=selectors.as_id(issue_id))
    except Issue.DoesNotExist:
        raise NotFound("No such issue.") from None
    if not selectors.can_see(user, issue):
        raise NotFound("No such issue.")
    return issue


def active_person(user_id) -> User | None:
    """Return the active person with this id (None for none), or raise Invalid on `assignee`."""
    if user_id is None:
        return None
    try:
        return User.objects.get(pk=selectors.as_id(user_id), is_active=True)
    except (User.DoesNotExist, NotFound):
        raise Invalid(
            "No active person has that id.", fields={"assignee": ["Choose an active person."]}
        ) from None


def choice_label(value: str, choices) -> str:
    """Return the human label of a choice value (the value itself if unknown)."""
    return choices(value).label if value in choices.values else value


def issue_url(issue: Issue) -> str:
    """Return the path of the issue's page, used as the notification link."""
    return f"/issues/{issue.pk}/"


def publish_issue(issue: Issue, *, changes: Iterable[str], also: Iterable[int] = ()) -> None:
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


def activity_row(issue: Issue, actor, field: str, old, new) -> Activity:
    """Return an unsaved activity row (the caller bulk-creates them)."""
    return Activity(issue=issue, actor=actor, field=field, old=str(old or ""), new=str(new or ""))
