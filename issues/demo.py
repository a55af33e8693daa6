"""Demo issues for `manage.py seed_demo` (creates each once, by title)."""

from __future__ import annotations

from issues import services
from issues.models import Issue, IssueCategory, IssuePriority, IssueStatus

DEMO_ISSUES = [
    # reporter, title, category, description, triage by the lead (or None)
    ("dev", "Login page times out on the VPN", IssueCategory.BLOCKER,
     "Since this morning the login page spins for 30 s and fails **only on the VPN**.",
     {"status": IssueStatus.IN_REVIEW, "priority": IssuePriority.CRITICAL, "assignee": "dev2"}),
    ("designer", "Dark mode contrast on the chat composer", IssueCategory.IMPROVEMENT,
     "The placeholder text is hard to read in dark mode.", None),
    ("tester", "Export CSV misses the assignee column", IssueCategory.BUG,
     "Steps:\n\n1. Open the triage queue\n2. Export\n3. No assignee column",
     {"status": IssueStatus.RESOLVED, "priority": IssuePriority.MEDIUM,
      "resolution": "Fixed in the export; the column is back."}),
    ("dev2", "Which branch do we release from?", IssueCategory.QUESTION,
     "Is it `main` or a release branch?", None),
]  # fmt: skip


def seed(*, people, stdout) -> None:
    """Create the demo issues that do not exist yet."""
    lead = people["lead"]
    for reporter_name, title, category, description, triage in DEMO_ISSUES:
        reporter = people[reporter_name]
        if Issue.objects.filter(title=title, reporter=reporter).exists():
            continue
        issue = services.report_issue(
            reporter=reporter, title=title, description=description, category=category
        )
        if triage:
            changes = dict(triage)
            if "assignee" in changes:
                changes["assignee_id"] = people[changes.pop("assignee")].pk
            services.update_issue(actor=lead, issue_id=issue.pk, **changes)
        stdout.write(f"  issue #{issue.pk}: {title}")
