"""Every change to issues: report, edit, triage, reopen, comment, attach, escalate.

Pages, the API, admin actions and Celery tasks call these; nothing else writes.
"""

from issues.services.common import UNSET
from issues.services.reporting import add_attachments, add_comment, report_issue
from issues.services.scheduled import escalate_pending_issues, send_triage_summary
from issues.services.triage import (
    LEAD_TRANSITIONS,
    bulk_update_issues,
    reopen_issue,
    update_issue,
)
from issues.services.validation import check_files

__all__ = [
    "LEAD_TRANSITIONS",
    "UNSET",
    "add_attachments",
    "add_comment",
    "bulk_update_issues",
    "check_files",
    "escalate_pending_issues",
    "reopen_issue",
    "report_issue",
    "send_triage_summary",
    "update_issue",
]
