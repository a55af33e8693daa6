"""The demo team for `manage.py seed_demo`."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings

from accounts.models import Role, User

DEMO_PEOPLE = [
    # username, display name, role, staff
    ("lead", "Lena Lead", Role.PROJECT_MANAGER, False),
    ("admin", "Ada Admin", Role.ADMIN, True),
    ("dev", "Dev Dana", Role.DEVELOPER, False),
    ("dev2", "Devon Second", Role.DEVELOPER, False),
    ("designer", "Desi Designer", Role.DESIGNER, False),
    ("tester", "Tess Tester", Role.TESTER, False),
]


def seed_people(stdout) -> dict[str, User]:
    """Create the demo team once; return it by username."""
    people = {}
    for username, display_name, role, staff in DEMO_PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": display_name,
                "role": role,
                "email": f"{username}@example.com",
                "is_staff": staff,
                "is_superuser": staff,
            },
        )
        if created:
            user.set_password(settings.DEMO_PASSWORD)
            user.save(update_fields=["password"])
            stdout.write(f"  created {username} ({role})")
        # Verified, so the demo team can sign in even when verification is mandatory.
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        people[username] = user
    return people
