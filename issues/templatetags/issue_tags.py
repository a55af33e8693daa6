"""Template tags of the issues app: the header's report dialog."""

from django import template

from issues.forms import IssueForm
from issues.models import IssueCategory, IssuePriority, IssueStatus

register = template.Library()


@register.inclusion_tag("issues/_report_dialog.html", takes_context=True)
def report_issue_dialog(context):
    """Render the report form for the header dialog (ids prefixed so pages never clash)."""
    return {
        "form": IssueForm(auto_id="dialog_%s"),
        "csrf_token": context.get("csrf_token"),
    }


ACTIVITY_CHOICES = {"status": IssueStatus, "priority": IssuePriority, "category": IssueCategory}


@register.filter
def activity_value(value: str, field: str) -> str:
    """Show a logged status, priority or category by its label ("in review", not "in_review")."""
    choices = ACTIVITY_CHOICES.get(field)
    if choices is not None and value in choices.values:
        return choices(value).label.lower()
    return value
