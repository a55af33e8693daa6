"""Template tags of the issues app: the header's report dialog."""

from django import template

from issues.forms import IssueForm

register = template.Library()


@register.inclusion_tag("issues/_report_dialog.html", takes_context=True)
def report_issue_dialog(context):
    """Render the report form for the header dialog (ids prefixed so pages never clash)."""
    return {
        "form": IssueForm(auto_id="dialog_%s"),
        "csrf_token": context.get("csrf_token"),
    }
