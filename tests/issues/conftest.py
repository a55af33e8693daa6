"""Fixtures for the issue tests: the people of a small team and a way to make issues."""

from __future__ import annotations

import pytest

from accounts.models import Role
from issues import services
from tests.factories import UserFactory


@pytest.fixture
def reporter(db):
    return UserFactory(username="rita", display_name="Rita Reporter", role=Role.DEVELOPER)


@pytest.fixture
def other_dev(db):
    return UserFactory(username="otto", display_name="Otto Other", role=Role.DEVELOPER)


@pytest.fixture
def lead(db):
    return UserFactory(username="lena", display_name="Lena Lead", role=Role.PROJECT_MANAGER)


@pytest.fixture
def admin_lead(db):
    return UserFactory(username="ada", display_name="Ada Admin", role=Role.ADMIN)


@pytest.fixture
def make_issue(reporter):
    """Return `make_issue(**fields)`: report an issue through the service."""

    def _make(by=None, title="Build is red on main", description="It fails.", **kwargs):
        return services.report_issue(
            reporter=by or reporter, title=title, description=description, **kwargs
        )

    return _make


@pytest.fixture
def issue(make_issue):
    return make_issue()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash test passwords cheaply: these tests make many people and never test hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
