"""Forms of the issue pages; services validate again and own every rule."""

from __future__ import annotations

from django import forms

from issues.models import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    RESOLUTION_MAX,
    TITLE_MAX,
    TITLE_MIN,
    IssueCategory,
    IssuePriority,
    IssueStatus,
)
from issues.selectors import SORTS

ACCEPT = "image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,.txt,.log,.md"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more uploaded files."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ACCEPT)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


ATTACHMENT_HELP = "Images (PNG, JPEG, GIF, WebP), PDF or plain text, up to 5 MB each."


class IssueForm(forms.Form):
    """Report an issue: the full page and the header dialog post the same fields."""

    title = forms.CharField(min_length=TITLE_MIN, max_length=TITLE_MAX)
    description = forms.CharField(
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown. What happened, what you expected, how to see it again.",
    )
    category = forms.ChoiceField(choices=IssueCategory.choices, initial=IssueCategory.BUG)
    attachments = MultipleFileField(help_text=ATTACHMENT_HELP)
    message = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class IssueEditForm(forms.Form):
    title = forms.CharField(min_length=TITLE_MIN, max_length=TITLE_MAX)
    description = forms.CharField(
        required=False, max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    category = forms.ChoiceField(choices=IssueCategory.choices)


class TriageForm(forms.Form):
    status = forms.ChoiceField(choices=IssueStatus.choices)
    priority = forms.ChoiceField(choices=IssuePriority.choices)
    assignee = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    resolution = forms.CharField(
        required=False,
        max_length=RESOLUTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to resolve or reject.",
    )
    duplicate_of = forms.IntegerField(
        required=False,
        min_value=1,
        label="Duplicate of issue #",
        help_text="When rejecting as a duplicate.",
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "Unassigned")] + [(p.pk, p.name) for p in people]


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown.",
    )


class ReopenForm(forms.Form):
    """Reopen a closed issue: the button carries no fields."""


class AttachmentForm(forms.Form):
    attachments = MultipleFileField(required=True, label="Files", help_text=ATTACHMENT_HELP)


def _people_choices(people, *, none_label=None):
    choices = [("", "Anyone")]
    if none_label:
        choices.append(("none", none_label))
    return choices + [(str(p.pk), p.name) for p in people]


class IssueFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    status = forms.ChoiceField(required=False, choices=[("", "Any"), *IssueStatus.choices])
    priority = forms.ChoiceField(required=False, choices=[("", "Any"), *IssuePriority.choices])
    category = forms.ChoiceField(required=False, choices=[("", "Any"), *IssueCategory.choices])
    assignee = forms.ChoiceField(required=False)
    reporter = forms.ChoiceField(required=False)
    sort = forms.ChoiceField(required=False, choices=list(SORTS.items()))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = _people_choices(people, none_label="Unassigned")
        self.fields["reporter"].choices = _people_choices(people)

    def filters(self) -> dict:
        """Return the selector's keyword arguments (valid values only)."""
        data = self.cleaned_data if self.is_valid() or self.is_bound else {}
        return {
            "q": data.get("q", ""),
            "status": data.get("status", ""),
            "priority": data.get("priority", ""),
            "category": data.get("category", ""),
            "assignee": data.get("assignee") or None,
            "reporter": int(data["reporter"]) if data.get("reporter") else None,
            "sort": data.get("sort") or "newest",
        }


class IdListField(forms.Field):
    """A list of issue ids from checkboxes named alike."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        ids = []
        for item in value or []:
            if not str(item).isdigit() or not 1 <= int(item) < 2**63:
                raise forms.ValidationError("Select issues from the list.")
            ids.append(int(item))
        return ids

    def validate(self, value):
        if not value:
            raise forms.ValidationError("Select at least one issue.")


class BulkForm(forms.Form):
    """One triage change to the selected issues of the queue."""

    FIELDS = [("status", "Status"), ("priority", "Priority"), ("assignee", "Assignee")]

    issues = IdListField()
    field = forms.ChoiceField(choices=FIELDS, label="Change")
    status = forms.ChoiceField(required=False, choices=[("", "—"), *IssueStatus.choices])
    priority = forms.ChoiceField(required=False, choices=[("", "—"), *IssuePriority.choices])
    assignee = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    resolution = forms.CharField(required=False, max_length=RESOLUTION_MAX)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "Unassigned")] + [(p.pk, p.name) for p in people]

    def changes(self) -> dict:
        """Return the service keyword arguments for the chosen change."""
        data = self.cleaned_data
        if data["field"] == "status":
            changes = {"status": data["status"]}
            if data.get("resolution"):
                changes["resolution"] = data["resolution"]
            return changes
        if data["field"] == "priority":
            return {"priority": data["priority"]}
        return {"assignee_id": data.get("assignee")}

    def clean(self):
        data = super().clean()
        field = data.get("field")
        if field in ("status", "priority") and not data.get(field):
            self.add_error(field, "Choose the new value.")
        return data
