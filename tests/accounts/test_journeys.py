"""Whole journeys through the real views: sign-up to two-factor sign-in, and invitations."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail

from accounts.models import Role, User
from collab.models import Notification, NotificationKind
from tests.factories import UserFactory

PASSWORD = "quiet-Harbour-lantern-81"


def totp_now(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def link_in(message, pattern: str) -> str:
    match = re.search(rf"https?://[^/\s]+({pattern}[^\s]*)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db
def test_sign_up_verify_log_in_enable_totp_and_log_in_with_it(
    client, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "nova@example.com",
                "username": "nova",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    nova = User.objects.get(username="nova")
    assert nova.role == Role.DEVELOPER  # new people are developers unless invited otherwise

    # Mandatory verification: no way in before the email is confirmed.
    response = client.post("/accounts/login/", {"login": "nova", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    assert len(mail.outbox) >= 1
    confirm_path = link_in(mail.outbox[-1], "/accounts/confirm-email/")
    assert mail.outbox[-1].subject.startswith("[Collab]")
    response = client.get(confirm_path)
    assert response.status_code == 200
    assert b"Confirm" in response.content
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert nova.emailaddress_set.get().verified

    response = client.post("/accounts/login/", {"login": "nova@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert int(client.session["_auth_user_id"]) == nova.pk

    # Enable TOTP with a code from the secret the setup page shows; a sensitive change asks
    # for the password again first.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    response = client.post(
        "/accounts/reauthenticate/",
        {"password": PASSWORD, "next": "/accounts/2fa/totp/activate/"},
    )
    assert response.status_code == 302
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in response.content.decode()
    response = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert response.status_code == 200
    assert b"Incorrect code" in response.content
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_now(secret)})
    assert response.status_code == 302
    assert nova.authenticator_set.filter(type="totp").exists()
    # Recovery codes come with it, to be shown and downloaded.
    assert nova.authenticator_set.filter(type="recovery_codes").exists()
    assert client.get("/accounts/2fa/recovery-codes/").status_code == 200

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session

    # The password alone is no longer enough.
    response = client.post("/accounts/login/", {"login": "nova", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": "123456"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_now(secret)})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == nova.pk
    assert client.get("/accounts/profile/").status_code == 200


@pytest.mark.django_db
def test_invitation_journey_gives_the_invited_role_and_tells_the_inviter(
    client, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.COLLAB_SIGNUP_MODE = "invite"
    lead = UserFactory(username="lena", role=Role.PROJECT_MANAGER, display_name="Lena")
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/people/invite/", {"email": "Tess@Example.com", "role": "tester"})
    assert response.status_code == 302
    page = client.get("/people/").content.decode()
    assert "tess@example.com" in page
    client.logout()

    # Invite-only: no sign-up without the link.
    response = client.get("/accounts/signup/")
    assert b"This team is invite-only" in response.content

    (message,) = mail.outbox
    assert message.to == ["tess@example.com"]
    assert "Tester" in message.body
    invite_path = link_in(message, "/accounts/invite/")
    response = client.get(invite_path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/signup/?email=tess@example.com")
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert b'value="tess@example.com"' in response.content

    # The invitation is for one address.
    response = client.post(
        "/accounts/signup/",
        {
            "email": "other@example.com",
            "username": "tess",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert b"This invitation is for tess@example.com" in response.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "tess@example.com",
                "username": "tess",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert response.status_code == 302
    tess = User.objects.get(username="tess")
    assert tess.role == Role.TESTER
    # The link came by mail to that address: it counts as verified.
    assert tess.emailaddress_set.get(email="tess@example.com").verified
    note = Notification.objects.get(recipient=lead)
    assert note.kind == NotificationKind.INVITATION_ACCEPTED
    assert "accepted your invitation" in note.title

    # The link works once.
    client.logout()
    response = client.get(invite_path)
    assert response.status_code == 400
    assert b"already been used" in response.content


@pytest.mark.django_db
def test_expired_and_tampered_invitation_links_explain_themselves(client, settings, lead_user):
    from accounts import services

    invitation = services.invite_person(
        actor=lead_user, email="late@example.com", role="designer", base_url="http://x"
    )
    token = services.invitation_token(invitation)

    response = client.get(f"/accounts/invite/{token[:-3]}abc/")
    assert response.status_code == 400
    assert b"This invitation link is not valid" in response.content

    settings.COLLAB_INVITATION_MAX_AGE_DAYS = -1
    response = client.get(f"/accounts/invite/{token}/")
    assert response.status_code == 400
    assert b"This invitation has expired" in response.content
    assert "collab_invitation_id" not in client.session


@pytest.mark.django_db
def test_recovery_code_signs_in_once_in_place_of_a_totp_code(client):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    person = UserFactory(username="rita")
    person.set_password(PASSWORD)
    person.save()
    TOTP.activate(person, generate_totp_secret())
    codes = RecoveryCodes.activate(person).get_unused_codes()
    assert len(codes) >= 8

    def sign_in(code):
        client.post("/accounts/login/", {"login": "rita", "password": PASSWORD})
        return client.post("/accounts/2fa/authenticate/", {"code": code})

    response = sign_in(codes[0])
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == person.pk
    client.post("/accounts/logout/")
    response = sign_in(codes[0])
    assert response.status_code == 200  # a used recovery code is refused
    assert "_auth_user_id" not in client.session
    recovery = Authenticator.objects.get(user=person, type=Authenticator.Type.RECOVERY_CODES)
    assert codes[0] not in RecoveryCodes(recovery).get_unused_codes()
