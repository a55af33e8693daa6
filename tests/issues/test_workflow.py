"""The triage state machine: every allowed and every refused move, by role."""

from datetime import timedelta

import pytest
from django.utils import timezone

from collab.errors import Conflict, Forbidden, Invalid, NotFound
from issues import services
from issues.models import Activity, Issue, IssueStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = IssueStatus
ALL = [S.PENDING, S.IN_REVIEW, S.RESOLVED, S.REJECTED]
LEAD_ALLOWED = {
    (S.PENDING, S.IN_REVIEW),
    (S.PENDING, S.RESOLVED),
    (S.PENDING, S.REJECTED),
    (S.IN_REVIEW, S.RESOLVED),
    (S.IN_REVIEW, S.REJECTED),
    (S.RESOLVED, S.IN_REVIEW),
    (S.REJECTED, S.IN_REVIEW),
}
MOVES = [(a, b) for a in ALL for b in ALL if a != b]


def put_in(issue, status, lead):
    """Bring an issue into `status` by the allowed path."""
    if status == S.PENDING:
        return issue
    if status == S.IN_REVIEW:
        return services.update_issue(actor=lead, issue_id=issue.pk, status=S.IN_REVIEW)
    return services.update_issue(
        actor=lead, issue_id=issue.pk, status=status, resolution="Done and dusted."
    )


def move(actor, issue, status):
    resolution = "Because." if status in (S.RESOLVED, S.REJECTED) else services.UNSET
    return services.update_issue(
        actor=actor, issue_id=issue.pk, status=status, resolution=resolution
    )


@pytest.mark.parametrize(("old", "new"), MOVES)
def test_lead_moves_exactly_the_allowed_transitions(old, new, issue, lead):
    put_in(issue, old, lead)
    if (old, new) in LEAD_ALLOWED:
        assert move(lead, issue, new).status == new
        assert Issue.objects.get(pk=issue.pk).status == new
        assert Activity.objects.filter(issue=issue, field="status", old=old, new=new).exists()
    else:
        with pytest.raises(Conflict):
            move(lead, issue, new)
        assert Issue.objects.get(pk=issue.pk).status == old


def test_an_admin_is_a_lead_too(issue, admin_lead):
    assert move(admin_lead, issue, S.RESOLVED).status == S.RESOLVED


@pytest.mark.parametrize(("old", "new"), MOVES)
def test_reporter_may_only_reopen_a_closed_issue(old, new, issue, reporter, lead):
    put_in(issue, old, lead)
    if old in (S.RESOLVED, S.REJECTED) and new == S.IN_REVIEW:
        assert move(reporter, issue, new).status == S.IN_REVIEW
    else:
        with pytest.raises(Forbidden):
            move(reporter, issue, new)
        assert Issue.objects.get(pk=issue.pk).status == old


@pytest.mark.parametrize(("old", "new"), MOVES)
def test_assignee_who_is_not_a_lead_changes_no_status(old, new, issue, lead, other_dev):
    services.update_issue(actor=lead, issue_id=issue.pk, assignee_id=other_dev.pk)
    put_in(issue, old, lead)
    with pytest.raises(Forbidden):
        move(other_dev, issue, new)
    assert Issue.objects.get(pk=issue.pk).status == old


@pytest.mark.parametrize("new", ALL)
def test_someone_unconcerned_cannot_even_find_the_issue(new, issue, other_dev):
    with pytest.raises(NotFound):
        move(other_dev, issue, new)


@pytest.mark.parametrize("closed", [S.RESOLVED, S.REJECTED])
def test_reporter_may_reopen_within_14_days_only(closed, issue, reporter, lead):
    put_in(issue, closed, lead)
    Issue.objects.filter(pk=issue.pk).update(closed_at=timezone.now() - timedelta(days=13))
    assert move(reporter, issue, S.IN_REVIEW).status == S.IN_REVIEW
    put_in(issue, closed, lead)
    Issue.objects.filter(pk=issue.pk).update(closed_at=timezone.now() - timedelta(days=15))
    with pytest.raises(Forbidden, match="14 days"):
        move(reporter, issue, S.IN_REVIEW)


def test_lead_may_reopen_any_time(issue, lead):
    put_in(issue, S.RESOLVED, lead)
    Issue.objects.filter(pk=issue.pk).update(closed_at=timezone.now() - timedelta(days=400))
    assert move(lead, issue, S.IN_REVIEW).status == S.IN_REVIEW


@pytest.mark.parametrize("closed", [S.RESOLVED, S.REJECTED])
def test_closing_needs_a_resolution(closed, issue, lead):
    with pytest.raises(Invalid) as caught:
        services.update_issue(actor=lead, issue_id=issue.pk, status=closed)
    assert "resolution" in caught.value.fields
    with pytest.raises(Invalid):
        services.update_issue(actor=lead, issue_id=issue.pk, status=closed, resolution="   ")
    assert Issue.objects.get(pk=issue.pk).status == S.PENDING


def test_rejecting_as_duplicate_links_the_other_issue(make_issue, lead):
    original = make_issue(title="Original report")
    dupe = make_issue(title="Same thing again")
    services.update_issue(
        actor=lead, issue_id=dupe.pk, status=S.REJECTED, duplicate_of_id=original.pk
    )
    dupe.refresh_from_db()
    assert dupe.duplicate_of == original
    assert dupe.resolution == f"Duplicate of #{original.pk}."
    assert Activity.objects.filter(issue=dupe, field="duplicate_of", new=f"#{original.pk}").exists()


def test_duplicate_link_is_refused_unless_rejecting_and_real(make_issue, lead):
    original = make_issue(title="Original report")
    dupe = make_issue(title="Same thing again")
    with pytest.raises(Invalid) as caught:
        services.update_issue(
            actor=lead, issue_id=dupe.pk, status=S.RESOLVED, resolution="x",
            duplicate_of_id=original.pk,
        )  # fmt: skip
    assert "duplicate_of" in caught.value.fields
    for bad in (dupe.pk, 999_999):
        with pytest.raises(Invalid) as caught:
            services.update_issue(
                actor=lead, issue_id=dupe.pk, status=S.REJECTED, duplicate_of_id=bad
            )
        assert "duplicate_of" in caught.value.fields
    assert Issue.objects.get(pk=dupe.pk).status == S.PENDING


def test_reopening_clears_resolution_and_duplicate_but_keeps_them_in_activity(
    make_issue, lead, reporter
):
    original = make_issue(title="Original report")
    dupe = make_issue(title="Same thing again")
    services.update_issue(
        actor=lead, issue_id=dupe.pk, status=S.REJECTED, duplicate_of_id=original.pk,
        resolution="Same as the original.",
    )  # fmt: skip
    services.update_issue(actor=reporter, issue_id=dupe.pk, status=S.IN_REVIEW)
    dupe.refresh_from_db()
    assert (dupe.status, dupe.resolution, dupe.duplicate_of, dupe.closed_at) == (
        S.IN_REVIEW, "", None, None,
    )  # fmt: skip
    fields = list(Activity.objects.filter(issue=dupe).values_list("field", "old", "new"))
    assert ("resolution", "Same as the original.", "") in fields
    assert ("status", S.REJECTED, S.IN_REVIEW) in fields


def test_resolution_is_refused_on_an_open_issue(issue, lead):
    with pytest.raises(Invalid) as caught:
        services.update_issue(actor=lead, issue_id=issue.pk, resolution="Nothing yet")
    assert "resolution" in caught.value.fields


def test_reporter_edits_title_and_description_while_pending_only(issue, reporter, lead):
    services.update_issue(
        actor=reporter, issue_id=issue.pk, title="Build is red on main again",
        description="**Still** failing",
    )  # fmt: skip
    issue.refresh_from_db()
    assert issue.title == "Build is red on main again"
    assert "<strong>Still</strong>" in issue.description_html
    assert Activity.objects.filter(issue=issue, field="title").count() == 1
    put_in(issue, S.IN_REVIEW, lead)
    with pytest.raises(Conflict):
        services.update_issue(actor=reporter, issue_id=issue.pk, title="Another title")
    assert Issue.objects.get(pk=issue.pk).title == "Build is red on main again"


def test_only_the_reporter_or_a_lead_edits_the_text(issue, lead, other_dev):
    services.update_issue(actor=lead, issue_id=issue.pk, assignee_id=other_dev.pk)
    with pytest.raises(Forbidden):
        services.update_issue(actor=other_dev, issue_id=issue.pk, title="Not mine to change")
    services.update_issue(actor=lead, issue_id=issue.pk, title="A lead may tidy titles")
    assert Issue.objects.get(pk=issue.pk).title == "A lead may tidy titles"


@pytest.mark.parametrize(
    "change", [{"priority": "high"}, {"assignee_id": "self"}, {"category": "blocker"}]
)
def test_reporter_triage_is_forbidden_but_category_is_an_edit(change, issue, reporter):
    if change.get("assignee_id") == "self":
        change = {"assignee_id": reporter.pk}
    if "category" in change:
        services.update_issue(actor=reporter, issue_id=issue.pk, **change)
        assert Issue.objects.get(pk=issue.pk).category == "blocker"
        return
    with pytest.raises(Forbidden):
        services.update_issue(actor=reporter, issue_id=issue.pk, **change)


def test_an_unchanged_value_is_no_change(issue, lead):
    services.update_issue(actor=lead, issue_id=issue.pk, status=S.PENDING, priority="medium")
    assert Activity.objects.filter(issue=issue).count() == 1  # only "reported"


def test_assigning_an_inactive_or_unknown_person_is_refused(issue, lead):
    gone = UserFactory(is_active=False)
    for bad in (gone.pk, 10**9, 2**70):
        with pytest.raises(Invalid) as caught:
            services.update_issue(actor=lead, issue_id=issue.pk, assignee_id=bad)
        assert "assignee" in caught.value.fields


def test_bulk_change_is_all_or_nothing(make_issue, lead, reporter):
    a = make_issue(title="First issue")
    b = make_issue(title="Second issue")
    put_in(b, S.RESOLVED, lead)
    with pytest.raises(Conflict, match=f"#{b.pk}"):
        services.bulk_update_issues(actor=lead, issue_ids=[a.pk, b.pk], status=S.PENDING)
    services.bulk_update_issues(actor=lead, issue_ids=[a.pk, b.pk], priority="critical")
    assert set(Issue.objects.values_list("priority", flat=True)) == {"critical"}
    with pytest.raises(Forbidden):
        services.bulk_update_issues(actor=reporter, issue_ids=[a.pk], priority="low")
    with pytest.raises(Invalid):
        services.bulk_update_issues(actor=lead, issue_ids=[], priority="low")


def test_reporter_reopening_may_send_an_empty_resolution_along(issue, reporter, lead):
    put_in(issue, S.RESOLVED, lead)
    services.update_issue(
        actor=reporter, issue_id=issue.pk, status=S.IN_REVIEW, resolution="",
        duplicate_of_id=None,
    )  # fmt: skip
    assert Issue.objects.get(pk=issue.pk).status == S.IN_REVIEW


@pytest.mark.parametrize(
    "field", [{"status": "open"}, {"priority": "urgent"}, {"category": "feature"}, {"title": ""}]
)
def test_the_database_refuses_invalid_values_even_past_the_services(field, issue):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.filter(pk=issue.pk).update(**field)


def test_the_database_refuses_a_duplicate_link_on_an_open_issue(make_issue):
    from django.db import IntegrityError, transaction

    a, b = make_issue(title="First"), make_issue(title="Second")
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.filter(pk=b.pk).update(duplicate_of=a)
