"""Forms of the profile and people pages (services do the checking that matters)."""

from __future__ import annotations

import functools
import zoneinfo

from django import forms

from accounts.models import Role


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Return every time zone as (value, label), sorted (read from disk once per process)."""
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        max_length=150,
        required=False,
        help_text="Shown instead of your username. Leave empty to show your username.",
    )
    time_zone = forms.ChoiceField(
        choices=time_zone_choices, help_text="Times on your pages use this zone."
    )


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        label="Avatar image",
        help_text="PNG, JPEG, GIF or WebP. It is cropped square and resized.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, label="Token name", help_text="Say where you use it, e.g. “CI bot”."
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class InvitationForm(forms.Form):
    email = forms.EmailField(max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.DEVELOPER)


def apply_domain_error(form: forms.Form, error) -> None:
    """Show a service's refusal on the form: per field when it names fields, else on top."""
    if error.fields:
        for field, messages in error.fields.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.detail)
