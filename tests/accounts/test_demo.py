"""The demo team can sign in, even with mandatory email verification; seeding twice is a no-op."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings

from accounts.demo import seed_people
from accounts.models import User


@pytest.mark.django_db
def test_demo_people_are_seeded_once_with_verified_emails(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    seed_people(io.StringIO())
    seed_people(io.StringIO())
    assert User.objects.count() == 6
    assert EmailAddress.objects.filter(verified=True).count() == 6
    response = client.post(
        "/accounts/login/", {"login": "lead", "password": django_settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
