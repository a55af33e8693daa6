"""Every role against every permission: the table, the services, HTTP and the WebSocket."""

from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator

from accounts import services
from accounts.models import Role
from accounts.permissions import (
    ROLE_PERMISSIONS,
    Permission,
    has_permission,
    require_permission,
)
from collab.asgi import application
from collab.errors import Forbidden
from tests.factories import UserFactory
from tests.ws import frames_of, receives_nothing_but_presence

# What each role may do, written out by hand so a change to the table must change this too.
EXPECTED = {
    Role.DEVELOPER: {Permission.CHAT, Permission.REPORT},
    Role.DESIGNER: {Permission.CHAT, Permission.REPORT},
    Role.TESTER: {Permission.CHAT, Permission.REPORT},
    Role.PROJECT_MANAGER: {
        Permission.CHAT,
        Permission.REPORT,
        Permission.TRIAGE,
        Permission.MODERATE,
        Permission.MANAGE_CHANNELS,
        Permission.INVITE,
    },
    Role.ADMIN: set(Permission),
}
MATRIX = [(role, perm, perm in EXPECTED[role]) for role in Role for perm in Permission]


def test_table_covers_every_role():
    assert set(ROLE_PERMISSIONS) == set(Role)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "permission", "allowed"), MATRIX)
def test_role_permission_matrix(role, permission, allowed):
    person = UserFactory(role=role)
    assert has_permission(person, permission) is allowed
    if allowed:
        require_permission(person, permission)
    else:
        with pytest.raises(Forbidden):
            require_permission(person, permission)
    # Deactivated people may do nothing, whatever their role.
    person.is_active = False
    assert has_permission(person, permission) is False


def _exercise(permission: Permission, actor):
    """Call the accounts service guarded by `permission` (None when another app owns it)."""
    target = UserFactory()
    if permission is Permission.MANAGE_PEOPLE:
        return services.change_role(actor=actor, user=target, role=Role.TESTER)
    if permission is Permission.INVITE:
        return services.invite_person(
            actor=actor,
            email=f"new-{target.pk}@example.com",
            role=Role.DEVELOPER,
            base_url="http://testserver",
        )
    return None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [row for row in MATRIX if row[1] in {Permission.MANAGE_PEOPLE, Permission.INVITE}],
)
def test_accounts_services_ask_the_table(role, permission, allowed):
    UserFactory(role=Role.ADMIN, username="other-admin")  # so an admin may be demoted
    actor = UserFactory(role=role)
    if allowed:
        assert _exercise(permission, actor) is not None
    else:
        with pytest.raises(Forbidden):
            _exercise(permission, actor)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_people_pages_refuse_or_allow_by_role(client, role):
    UserFactory(role=Role.ADMIN, username="keeper")
    actor = UserFactory(role=role)
    target = UserFactory(role=Role.DEVELOPER)
    client.force_login(actor)

    response = client.post(f"/people/{target.pk}/role/", {"role": "designer"})
    target.refresh_from_db()
    if Permission.MANAGE_PEOPLE in EXPECTED[role]:
        assert response.status_code == 302
        assert target.role == Role.DESIGNER
    else:
        assert response.status_code == 403
        assert target.role == Role.DEVELOPER

    response = client.post("/people/invite/", {"email": "x@example.com", "role": "developer"})
    assert response.status_code == (302 if Permission.INVITE in EXPECTED[role] else 403)

    page = client.get("/people/").content.decode()
    assert ("Send invitation" in page) is (Permission.INVITE in EXPECTED[role])
    assert ("Change role" in page) is (Permission.MANAGE_PEOPLE in EXPECTED[role])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(Role))
async def test_websocket_admits_every_role_that_may_chat_and_no_deactivated_person(role):
    from asgiref.sync import sync_to_async

    person = await sync_to_async(UserFactory)(role=role)
    _token, key = await sync_to_async(services.create_api_token)(user=person, name="ws")
    headers = [(b"authorization", f"Token {key}".encode())]

    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected is has_permission(person, Permission.CHAT)
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=2) == {"type": "pong"}
    await communicator.disconnect()

    person.is_active = False
    await sync_to_async(person.save)(update_fields=["is_active"])
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _ = await communicator.connect()
    output = await communicator.receive_output(timeout=2)
    assert output == {"type": "websocket.close", "code": 4401}
    await communicator.disconnect()


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_issues_api_reports_for_everyone_and_triages_for_leads_only(client, role):
    person = UserFactory(role=role)
    _token, key = services.create_api_token(user=person, name="matrix")
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    response = client.post(
        "/api/v1/issues/",
        {"title": "The build is red", "description": "Since this morning.", "category": "bug"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == (201 if Permission.REPORT in EXPECTED[role] else 403)
    issue_id = response.json()["id"]
    response = client.patch(
        f"/api/v1/issues/{issue_id}/",
        {"status": "in_review"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == (200 if Permission.TRIAGE in EXPECTED[role] else 403)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(Role))
async def test_websocket_tells_only_people_who_triage_about_a_new_issue(role):
    from asgiref.sync import sync_to_async

    from issues.services import report_issue

    person = await sync_to_async(UserFactory)(role=role)
    reporter = await sync_to_async(UserFactory)(role=Role.TESTER)
    _token, key = await sync_to_async(services.create_api_token)(user=person, name="ws")
    communicator = WebsocketCommunicator(
        application, "/ws/", headers=[(b"authorization", f"Token {key}".encode())]
    )
    assert (await communicator.connect())[0]
    await sync_to_async(report_issue)(reporter=reporter, title="Login page is down")
    if Permission.TRIAGE in EXPECTED[role]:
        await frames_of(communicator, {"issue.updated", "notification"})
    else:
        assert await receives_nothing_but_presence(communicator, timeout=0.5)
    await communicator.disconnect()
