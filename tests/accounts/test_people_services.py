"""Role changes, deactivation and invitations through the services."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from accounts import services
from accounts.models import ApiToken, Invitation, Role, RoleChange, User
from collab.asgi import application
from collab.errors import Conflict, Invalid
from collab.models import Notification, NotificationKind
from tests.factories import UserFactory


@pytest.mark.django_db
def test_role_change_is_recorded_notified_and_logged(admin_person, member, caplog):
    with caplog.at_level(logging.INFO, logger="collab.security"):
        services.change_role(actor=admin_person, user=member, role=Role.TESTER)
    member.refresh_from_db()
    assert member.role == Role.TESTER
    change = RoleChange.objects.get(user=member)
    assert (change.changed_by, change.old_role, change.new_role) == (
        admin_person,
        Role.DEVELOPER,
        Role.TESTER,
    )
    note = Notification.objects.get(recipient=member)
    assert note.kind == NotificationKind.ROLE_CHANGED
    assert note.title == "Your role is now Tester"
    record = next(r for r in caplog.records if r.getMessage() == "role changed")
    assert (record.user_id, record.target_id, record.old, record.new) == (
        admin_person.pk,
        member.pk,
        "developer",
        "tester",
    )
    assert hasattr(record, "request_id")


@pytest.mark.django_db
def test_same_role_again_changes_and_records_nothing(admin_person, member):
    services.change_role(actor=admin_person, user=member, role=Role.DEVELOPER)
    assert not RoleChange.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["wizard", "", "ADMIN", None])
def test_a_role_that_does_not_exist_is_a_field_error(admin_person, member, role):
    with pytest.raises(Invalid) as caught:
        services.change_role(actor=admin_person, user=member, role=role)
    assert "role" in caught.value.fields
    member.refresh_from_db()
    assert member.role == Role.DEVELOPER


@pytest.mark.django_db
def test_the_last_admin_cannot_step_down_or_be_deactivated(admin_person):
    with pytest.raises(Conflict):
        services.change_role(actor=admin_person, user=admin_person, role=Role.DEVELOPER)
    with pytest.raises(Invalid):
        services.deactivate_user(actor=admin_person, user=admin_person)
    other = UserFactory(role=Role.ADMIN)
    services.change_role(actor=other, user=admin_person, role=Role.DEVELOPER)
    admin_person.refresh_from_db()
    assert admin_person.role == Role.DEVELOPER


@pytest.mark.django_db
def test_people_page_refuses_a_nonexistent_role_with_a_message(client, admin_person, member):
    client.force_login(admin_person)
    response = client.post(f"/people/{member.pk}/role/", {"role": "wizard"})
    assert response.status_code == 400
    assert "&#x27;wizard&#x27; is not a role" in response.content.decode()
    member.refresh_from_db()
    assert member.role == Role.DEVELOPER


@pytest.mark.django_db
def test_invitation_bad_input_gives_field_errors(client, lead_user, member):
    client.force_login(lead_user)
    response = client.post("/people/invite/", {"email": "not-an-email", "role": "wizard"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid email address." in page
    assert "Select a valid choice." in page
    response = client.post("/people/invite/", {"email": member.email, "role": "developer"})
    assert response.status_code == 400
    assert "already on the team" in response.content.decode()
    response = client.post("/people/invite/", {"email": "boss@example.com", "role": "admin"})
    assert response.status_code == 400
    assert "Only admins may invite admins." in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_withdrawn_invitation_link_stops_working(client, lead_user):
    invitation = services.invite_person(
        actor=lead_user, email="w@example.com", role="developer", base_url="http://x"
    )
    client.force_login(lead_user)
    response = client.post(f"/people/invitations/{invitation.pk}/withdraw/")
    assert response.status_code == 302
    client.logout()
    response = client.get(f"/accounts/invite/{services.invitation_token(invitation)}/")
    assert response.status_code == 400


@pytest.mark.django_db(transaction=True)
async def test_role_change_reaches_the_persons_open_socket(client):
    admin = await sync_to_async(UserFactory)(role=Role.ADMIN)
    person = await sync_to_async(UserFactory)(role=Role.DEVELOPER)
    _t, key = await sync_to_async(services.create_api_token)(user=person, name="ws")
    communicator = WebsocketCommunicator(
        application, "/ws/", headers=[(b"authorization", f"Token {key}".encode())]
    )
    assert (await communicator.connect())[0]
    await sync_to_async(services.change_role)(actor=admin, user=person, role=Role.DESIGNER)
    frame = await communicator.receive_json_from(timeout=3)
    assert frame["type"] == "notification"
    assert frame["notification"]["kind"] == "role_changed"
    assert frame["unread_count"] == 1
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_deactivation_closes_the_socket_within_a_second_and_the_token_answers_401(
    async_client,
):
    admin = await sync_to_async(UserFactory)(role=Role.ADMIN)
    person = await sync_to_async(UserFactory)(role=Role.DEVELOPER)
    _t, key = await sync_to_async(services.create_api_token)(user=person, name="ws")
    auth = f"Token {key}"
    response = await async_client.get("/api/v1/me/", headers={"authorization": auth})
    assert response.status_code == 200
    communicator = WebsocketCommunicator(
        application, "/ws/", headers=[(b"authorization", auth.encode())]
    )
    assert (await communicator.connect())[0]

    started = time.monotonic()
    await sync_to_async(services.deactivate_user)(actor=admin, user=person)
    output = await communicator.receive_output(timeout=1)
    assert output == {"type": "websocket.close", "code": 4401}
    assert time.monotonic() - started < 1

    response = await async_client.get("/api/v1/me/", headers={"authorization": auth})
    assert response.status_code == 401
    assert await sync_to_async(ApiToken.objects.filter(revoked_at__isnull=True).count)() == 0
    refreshed = await sync_to_async(User.objects.get)(pk=person.pk)
    assert refreshed.is_active is False
    await asyncio.sleep(0)


@pytest.mark.django_db
def test_deactivation_ends_the_persons_browser_sessions(client, admin_person, password):
    person = UserFactory()
    browser = type(client)()
    response = browser.post("/accounts/login/", {"login": person.username, "password": password})
    assert response.status_code == 302
    assert browser.get("/accounts/profile/").status_code == 200
    from allauth.usersessions.models import UserSession

    assert UserSession.objects.filter(user=person).count() == 1

    client.force_login(admin_person)
    response = client.post(f"/people/{person.pk}/deactivate/")
    assert response.status_code == 302
    assert UserSession.objects.filter(user=person).count() == 0
    response = browser.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    # They cannot sign in again either, until reactivated.
    response = browser.post("/accounts/login/", {"login": person.username, "password": password})
    assert response["Location"] == "/accounts/inactive/"
    assert "_auth_user_id" not in browser.session

    response = client.post(f"/people/{person.pk}/reactivate/")
    assert response.status_code == 302
    response = browser.post("/accounts/login/", {"login": person.username, "password": password})
    assert response.status_code == 302
    assert int(browser.session["_auth_user_id"]) == person.pk


@pytest.mark.django_db
def test_people_page_confirms_the_new_role(client, admin_person, member):
    client.force_login(admin_person)
    response = client.post(f"/people/{member.pk}/role/", {"role": "designer"}, follow=True)
    assert f"{member.name} is now Designer." in response.content.decode()


@pytest.mark.django_db
def test_missing_role_is_a_field_error_not_a_500(client, admin_person, member):
    client.force_login(admin_person)
    response = client.post(f"/people/{member.pk}/role/", {})
    assert response.status_code == 400
    assert "is not a role" in response.content.decode()


@pytest.mark.django_db
def test_people_actions_refused_to_members_change_nothing(client, member, caplog):
    other = UserFactory(is_active=False)
    target = UserFactory()
    client.force_login(member)
    with caplog.at_level(logging.WARNING, logger="collab.security"):
        assert client.post(f"/people/{target.pk}/deactivate/").status_code == 403
        assert client.post(f"/people/{other.pk}/reactivate/").status_code == 403
        assert client.post("/people/invitations/1/withdraw/").status_code == 403
        assert client.post("/people/invite/", {"email": "bad"}).status_code == 403
    target.refresh_from_db()
    other.refresh_from_db()
    assert target.is_active and not other.is_active
    refusals = [r for r in caplog.records if r.getMessage().startswith("permission refused")]
    assert len(refusals) == 4
    assert refusals[0].user_id == member.pk and refusals[0].ip == "127.0.0.1"


@pytest.mark.django_db
def test_admin_cannot_deactivate_themselves_from_the_people_page(client, admin_person):
    client.force_login(admin_person)
    response = client.post(f"/people/{admin_person.pk}/deactivate/")
    assert response.status_code == 400
    assert "You cannot deactivate yourself." in response.content.decode()
    assert client.post("/people/invitations/999/withdraw/").status_code == 404


@pytest.mark.django_db
def test_signed_in_person_opening_an_invitation_is_told_to_log_out(client, lead_user, member):
    invitation = services.invite_person(
        actor=lead_user, email="fresh@example.com", role="developer", base_url="http://x"
    )
    client.force_login(member)
    response = client.get(f"/accounts/invite/{services.invitation_token(invitation)}/", follow=True)
    assert "log out first" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.django_db(transaction=True)
async def test_a_revoked_token_no_longer_opens_a_websocket():
    person = await sync_to_async(UserFactory)()
    token, key = await sync_to_async(services.create_api_token)(user=person, name="ws")
    headers = [(b"authorization", f"Token {key}".encode())]
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    assert (await communicator.connect())[0]
    await communicator.disconnect()
    await sync_to_async(services.revoke_api_token)(user=person, token_id=token.pk)
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    await communicator.connect()
    assert await communicator.receive_output(timeout=2) == {
        "type": "websocket.close",
        "code": 4401,
    }
    await communicator.disconnect()
