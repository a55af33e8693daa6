"""Demo chat for `manage.py seed_demo`: a few channels and messages; a second run adds nothing."""

from __future__ import annotations

from chat import services
from chat.models import Membership, Message, Room, RoomKind

GENERAL = [
    ("lead", "Welcome to **Collab**! This is #general: everyone is here."),
    ("dev", "Morning all. The login bug is tracked as PLT-3699, fix going out today."),
    ("designer", "New icons are in the `design` folder, feedback welcome @dev2"),
    ("tester", "I'll retest PLT-3699 as soon as it's on staging."),
]


def seed(*, people, stdout) -> None:
    """Create the demo channels and messages once."""
    for person in people.values():
        services.join_team_channel(user=person)
    team = services.team_channel()
    if not Message.objects.filter(room=team).exists():
        for n, (username, body) in enumerate(GENERAL):
            services.send_message(
                author=people[username], room_id=team.pk, body=body, client_id=f"demo-g{n}"
            )
        stdout.write("  chat: messages in #general")
    releases = Room.objects.filter(kind=RoomKind.CHANNEL, name="releases").first()
    if releases is None:
        releases = services.create_channel(
            user=people["lead"], name="releases", topic="What ships when"
        )
        for username in ("dev", "dev2", "tester"):
            Membership.objects.get_or_create(room=releases, user=people[username])
        services.send_message(
            author=people["lead"],
            room_id=releases.pk,
            body="Release 1.4 is planned for Friday.",
            client_id="demo-r0",
        )
        stdout.write("  chat: #releases")
    direct, created = services.open_direct_room(user=people["dev"], other_id=people["dev2"].pk)
    if created:
        services.send_message(
            author=people["dev2"],
            room_id=direct.pk,
            body="Can you review my branch when you have a minute?",
            client_id="demo-d0",
        )
        stdout.write("  chat: a direct room between dev and dev2")
