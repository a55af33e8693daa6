"""`manage.py seed_demo` creates the demo team once."""

from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.models import Role, User

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, list]:
    """Return every row of every Collab model, so two runs can be compared."""
    rows = {}
    for label in ("accounts", "collab", "chat", "issues"):
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = sorted(
                model.objects.values_list(*[f.attname for f in model._meta.concrete_fields])
            )
    return rows


def test_seed_demo_creates_a_team_with_every_role_and_prints_the_password():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert settings.DEMO_PASSWORD in out.getvalue()
    assert authenticate(username="dev", password=settings.DEMO_PASSWORD) is not None
    assert User.objects.get(username="admin").is_staff


def test_seed_demo_twice_leaves_the_same_rows():
    call_command("seed_demo", stdout=StringIO())
    first = snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == first
