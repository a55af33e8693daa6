"""Two-factor authentication required for staff and leads; the Django admin's people actions."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator

from accounts.models import ApiToken, Role, RoleChange, User
from accounts.services import create_api_token
from tests.factories import UserFactory


@pytest.mark.django_db
def test_leads_must_set_up_two_factor_when_the_setting_says_so(client, settings, lead_user):
    settings.COLLAB_MFA_REQUIRED_FOR_LEADS = True
    client.force_login(lead_user)
    response = client.get("/people/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    # Account pages (where the setup happens) and the API stay reachable.
    assert client.get("/accounts/profile/").status_code == 200
    Authenticator.objects.create(user=lead_user, type=Authenticator.Type.TOTP, data={})
    assert client.get("/people/").status_code == 200


@pytest.mark.django_db
def test_members_are_not_asked_for_two_factor(client, settings, member):
    settings.COLLAB_MFA_REQUIRED_FOR_LEADS = True
    client.force_login(member)
    assert client.get("/people/").status_code == 200


@pytest.mark.django_db
def test_two_factor_is_optional_by_default(client, lead_user):
    client.force_login(lead_user)
    assert client.get("/people/").status_code == 200


@pytest.mark.django_db
def test_admin_lists_people_with_role_and_filters(client, admin_person):
    UserFactory(username="findme", role=Role.TESTER)
    client.force_login(admin_person)
    page = client.get("/admin/accounts/user/?role__exact=tester&q=find").content.decode()
    assert "findme" in page and "Tester" in page
    assert "Deactivate the selected people" in page


@pytest.mark.django_db
def test_admin_deactivate_action_goes_through_the_service(client, admin_person):
    person = UserFactory()
    create_api_token(user=person, name="t")
    client.force_login(admin_person)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "deactivate_people", "_selected_action": [person.pk, admin_person.pk]},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    admin_person.refresh_from_db()
    assert person.is_active is False
    assert admin_person.is_active is True  # refused: you cannot deactivate yourself
    assert not ApiToken.objects.filter(user=person, revoked_at__isnull=True).exists()


@pytest.mark.django_db
def test_admin_change_role_action_asks_for_the_role_then_records_it(client, admin_person):
    person = UserFactory()
    client.force_login(admin_person)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "change_role_of_people", "_selected_action": [person.pk]},
    )
    assert response.status_code == 200
    assert b"Change role" in response.content
    response = client.post(
        "/admin/accounts/user/",
        {
            "action": "change_role_of_people",
            "_selected_action": [person.pk],
            "apply": "1",
            "role": "project_manager",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.role == Role.PROJECT_MANAGER
    assert RoleChange.objects.get(user=person).changed_by == admin_person

    response = client.post(
        "/admin/accounts/user/",
        {
            "action": "change_role_of_people",
            "_selected_action": [person.pk],
            "apply": "1",
            "role": "wizard",
        },
    )
    assert response.status_code == 200  # the form again, with its error
    assert b"Select a valid choice" in response.content
    assert User.objects.get(pk=person.pk).role == Role.PROJECT_MANAGER


@pytest.mark.django_db
def test_admin_user_page_shows_role_history(client, admin_person):
    from accounts.services import change_role

    person = UserFactory()
    change_role(actor=admin_person, user=person, role=Role.DESIGNER)
    client.force_login(admin_person)
    response = client.get(f"/admin/accounts/user/{person.pk}/change/")
    assert response.status_code == 200
    assert b"Role changes" in response.content or b"role change" in response.content.lower()
