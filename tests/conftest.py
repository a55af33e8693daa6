"""Fixtures every test module shares."""

from __future__ import annotations

import pytest

from accounts.models import Role
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def member(db):
    """A developer: the role with the fewest rights."""
    return UserFactory(role=Role.DEVELOPER)


@pytest.fixture
def lead_user(db):
    """A project manager: a lead who triages."""
    return UserFactory(role=Role.PROJECT_MANAGER)


@pytest.fixture
def admin_person(db):
    """An admin (role) who is also staff."""
    return UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client
