"""The permission table: what each role may do."""

import pytest

from accounts.models import Role
from accounts.permissions import Permission, has_permission, require_permission
from collab.errors import Forbidden
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LEAD_ONLY = {Permission.TRIAGE, Permission.MODERATE, Permission.MANAGE_CHANNELS, Permission.INVITE}


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("permission", Permission.values)
def test_each_role_has_exactly_its_permissions(role, permission):
    user = UserFactory(role=role)
    if permission == Permission.MANAGE_PEOPLE:
        expected = role == Role.ADMIN
    elif permission in LEAD_ONLY:
        expected = role in (Role.PROJECT_MANAGER, Role.ADMIN)
    else:
        expected = True
    assert has_permission(user, permission) is expected
    if not expected:
        with pytest.raises(Forbidden):
            require_permission(user, permission)


def test_inactive_and_anonymous_people_may_do_nothing():
    from django.contrib.auth.models import AnonymousUser

    gone = UserFactory(role=Role.ADMIN, is_active=False)
    for permission in Permission.values:
        assert not has_permission(gone, permission)
        assert not has_permission(AnonymousUser(), permission)
        assert not has_permission(None, permission)
