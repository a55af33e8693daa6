"""The notification settings form: one choice per kind of notification."""

from django import forms

from collab.models import Delivery, NotificationKind

HELP = {
    NotificationKind.MENTION: "Someone mentions you in a chat room you are in.",
    NotificationKind.DIRECT_MESSAGE: "Someone writes to you directly.",
    NotificationKind.ISSUE_REPORTED: "A new issue is reported (leads).",
    NotificationKind.ISSUE_ASSIGNED: "An issue is assigned to you.",
    NotificationKind.ISSUE_STATUS: "An issue you reported or are assigned changes status.",
    NotificationKind.ISSUE_COMMENT: "Someone comments on an issue you follow.",
    NotificationKind.ISSUE_ESCALATED: "An issue waited too long and was escalated.",
    NotificationKind.ROLE_CHANGED: "Your role on the team changes.",
    NotificationKind.INVITATION_ACCEPTED: "Someone you invited joins the team.",
}


class PreferencesForm(forms.Form):
    """How a person wants each kind of notification by email."""

    def __init__(self, *args, initial_preferences: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=initial_preferences[kind.value],
                widget=forms.RadioSelect,
                help_text=HELP[kind],
            )
