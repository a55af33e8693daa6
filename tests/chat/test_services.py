"""Chat services: sending, idempotency, seq, rate limit, edit, delete, read, rooms."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import Role
from chat import services
from chat.models import Membership, Message, Room
from collab.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from collab.models import Notification, NotificationKind
from tests.chat.conftest import make_channel
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_new_person_is_in_the_team_channel_from_creation():
    person = UserFactory()
    team = Room.objects.get(is_team_channel=True)
    assert team.name == "general" and team.kind == "channel"
    assert Membership.objects.filter(room=team, user=person).exists()


def test_seed_demo_people_are_in_the_team_channel_and_seeding_twice_changes_nothing():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    team = services.team_channel()
    count = Membership.objects.filter(room=team).count()
    assert count >= 6
    messages = Message.objects.count()
    assert messages >= 6 and Room.objects.filter(name="releases").exists()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Membership.objects.filter(room=team).count() == count
    assert Message.objects.count() == messages


def test_messages_get_gap_free_seqs_and_move_my_read_marker(member, channel):
    for n in range(3):
        message, created = services.send_message(
            author=member, room_id=channel.pk, body=f" hello {n} ", client_id=f"c{n}"
        )
        assert created
    assert list(Message.objects.filter(room=channel).values_list("seq", flat=True)) == [1, 2, 3]
    assert message.body == "hello 2"  # stored trimmed
    channel.refresh_from_db()
    assert channel.last_seq == 3
    assert Membership.objects.get(room=channel, user=member).read_seq == 3


def test_repeated_client_id_stores_one_message(member, channel):
    first, created = services.send_message(
        author=member, room_id=channel.pk, body="once", client_id="same"
    )
    for _ in range(2):
        again, created_again = services.send_message(
            author=member, room_id=channel.pk, body="once", client_id="same"
        )
        assert again.pk == first.pk and not created_again
    assert created and Message.objects.count() == 1


def test_client_id_reused_in_another_room_is_refused(member, channel, direct):
    services.send_message(author=member, room_id=channel.pk, body="a", client_id="x1")
    with pytest.raises(Invalid):
        services.send_message(author=member, room_id=direct.pk, body="a", client_id="x1")


@pytest.mark.parametrize("body", ["", "   ", "x" * 4001, None, 5])
def test_bad_bodies_are_refused_and_nothing_is_stored(member, channel, body):
    with pytest.raises(Invalid):
        services.send_message(author=member, room_id=channel.pk, body=body, client_id="c")
    assert not Message.objects.exists()


@pytest.mark.parametrize("client_id", ["", "x" * 65, "has space", "é", 12])
def test_bad_client_ids_are_refused(member, channel, client_id):
    with pytest.raises(Invalid):
        services.send_message(author=member, room_id=channel.pk, body="hi", client_id=client_id)


def test_a_body_of_4000_characters_is_accepted(member, channel):
    message, _ = services.send_message(author=member, room_id=channel.pk, body="y" * 4000)
    assert len(message.body) == 4000 and len(message.client_id) == 32


def test_non_members_cannot_send_or_learn_the_room_exists(outsider, channel, direct):
    for room in (channel, direct):
        with pytest.raises(NotFound):
            services.send_message(author=outsider, room_id=room.pk, body="hi", client_id="c")
    with pytest.raises(NotFound):
        services.send_message(author=outsider, room_id="nope", body="hi", client_id="c")
    assert not Message.objects.exists()


def test_the_21st_message_in_the_window_is_rate_limited_and_not_stored(member, channel):
    for n in range(20):
        services.send_message(author=member, room_id=channel.pk, body="m", client_id=f"r{n}")
    with pytest.raises(RateLimited):
        services.send_message(author=member, room_id=channel.pk, body="m", client_id="r20")
    assert Message.objects.count() == 20
    # A retry of an accepted message is not a new message: it still answers.
    _again, created = services.send_message(
        author=member, room_id=channel.pk, body="m", client_id="r3"
    )
    assert not created


def test_refused_messages_do_not_count_towards_the_rate_limit(member, channel):
    for _ in range(25):
        with pytest.raises(Invalid):
            services.send_message(author=member, room_id=channel.pk, body=" ")
    _message, created = services.send_message(author=member, room_id=channel.pk, body="ok")
    assert created


def test_markdown_is_rendered_and_sanitized(member, channel):
    message, _ = services.send_message(
        author=member,
        room_id=channel.pk,
        body="**bold** `code` [site](https://example.com) <script>x</script> [x](javascript:y)",
    )
    assert "<strong>bold</strong>" in message.html and "<code>code</code>" in message.html
    assert 'rel="noopener noreferrer nofollow"' in message.html
    assert "<script>" not in message.html and "javascript:" not in message.html


def test_mentions_notify_members_of_the_room_only(member, other, outsider, channel):
    message, _ = services.send_message(
        author=member,
        room_id=channel.pk,
        body=f"hey @{other.username} and @{outsider.username} and @{member.username}",
    )
    assert 'class="mention"' in message.html
    notified = Notification.objects.filter(kind=NotificationKind.MENTION)
    assert [n.recipient_id for n in notified] == [other.pk]
    assert notified[0].url == f"/chat/{channel.pk}/?seq=1"


def test_a_direct_message_notifies_the_other_person(member, other, direct):
    services.send_message(author=member, room_id=direct.pk, body="psst")
    notes = Notification.objects.filter(kind=NotificationKind.DIRECT_MESSAGE)
    assert [n.recipient_id for n in notes] == [other.pk]


def test_reading_a_room_marks_its_notifications_read(member, other, direct):
    services.send_message(author=member, room_id=direct.pk, body="psst")
    membership = services.mark_read(user=other, room_id=direct.pk, seq=1)
    assert membership.read_seq == 1
    assert not Notification.objects.filter(recipient=other, read_at__isnull=True).exists()


def test_read_marker_moves_forward_only_and_not_past_the_newest(member, other, channel):
    for n in range(3):
        services.send_message(author=member, room_id=channel.pk, body="m", client_id=f"k{n}")
    assert services.mark_read(user=other, room_id=channel.pk, seq=2).read_seq == 2
    assert services.mark_read(user=other, room_id=channel.pk, seq=1).read_seq == 2
    assert services.mark_read(user=other, room_id=channel.pk, seq=99).read_seq == 3
    with pytest.raises(Invalid):
        services.mark_read(user=other, room_id=channel.pk, seq=-1)


def test_authors_edit_their_messages_and_nobody_else(member, other, channel):
    message, _ = services.send_message(author=member, room_id=channel.pk, body="typo")
    edited = services.edit_message(user=member, message_id=message.pk, body="*fixed*")
    assert edited.body == "*fixed*" and "<em>fixed</em>" in edited.html and edited.edited_at
    with pytest.raises(Forbidden):
        services.edit_message(user=other, message_id=message.pk, body="hijack")
    with pytest.raises(Invalid):
        services.edit_message(user=member, message_id=message.pk, body=" ")


def test_delete_keeps_the_seq_and_drops_the_body(member, other, channel):
    message, _ = services.send_message(author=member, room_id=channel.pk, body="oops")
    with pytest.raises(Forbidden):
        services.delete_message(user=other, message_id=message.pk)
    deleted = services.delete_message(user=member, message_id=message.pk)
    assert deleted.deleted and deleted.body == "" and deleted.html == "" and deleted.seq == 1
    assert services.delete_message(user=member, message_id=message.pk).deleted
    with pytest.raises(Conflict):
        services.edit_message(user=member, message_id=message.pk, body="back")


def test_leads_delete_any_message_in_channels_but_not_in_direct_rooms(member, lead_user):
    channel = make_channel("ops", member, lead_user)
    message, _ = services.send_message(author=member, room_id=channel.pk, body="spam")
    assert services.delete_message(user=lead_user, message_id=message.pk).deleted
    direct, _ = services.open_direct_room(user=member, other_id=lead_user.pk)
    private, _ = services.send_message(author=member, room_id=direct.pk, body="mine")
    with pytest.raises(Forbidden):
        services.delete_message(user=lead_user, message_id=private.pk)


def test_direct_rooms_are_one_per_pair_from_both_sides(member, other):
    room, created = services.open_direct_room(user=member, other_id=other.pk)
    same, created_again = services.open_direct_room(user=other, other_id=member.pk)
    assert created and not created_again and same.pk == room.pk
    with pytest.raises(Invalid):
        services.open_direct_room(user=member, other_id=member.pk)
    with pytest.raises(NotFound):
        services.open_direct_room(user=member, other_id=999999)


def test_leads_create_channels_people_join_and_leave(member, lead_user):
    with pytest.raises(Forbidden):
        services.create_channel(user=member, name="random")
    room = services.create_channel(user=lead_user, name="#Random", topic="anything")
    assert room.name == "random"
    with pytest.raises(Conflict):
        services.create_channel(user=lead_user, name="random")
    with pytest.raises(Invalid):
        services.create_channel(user=lead_user, name="no spaces here")
    services.join_channel(user=member, room_id=room.pk)
    assert Membership.objects.filter(room=room, user=member).exists()
    services.leave_channel(user=member, room_id=room.pk)
    assert not Membership.objects.filter(room=room, user=member).exists()
    with pytest.raises(Invalid):
        services.leave_channel(user=lead_user, room_id=services.team_channel().pk)


def test_nobody_leaves_a_direct_room_or_joins_it(member, other, outsider, direct):
    with pytest.raises(Invalid):
        services.leave_channel(user=member, room_id=direct.pk)
    with pytest.raises(NotFound):
        services.join_channel(user=outsider, room_id=direct.pk)


def test_inactive_people_cannot_chat(member, channel):
    member.is_active = False
    member.save()
    with pytest.raises(Forbidden):
        services.send_message(author=member, room_id=channel.pk, body="hi")


def test_a_lead_role_is_not_needed_to_open_a_direct_room(other):
    lead = UserFactory(role=Role.ADMIN)
    room, created = services.open_direct_room(user=lead, other_id=other.pk)
    assert created and room.kind == "direct"


def test_a_person_activated_later_joins_the_team_channel():
    person = UserFactory(is_active=False)
    team = services.team_channel()
    assert not Membership.objects.filter(room=team, user=person).exists()
    person.is_active = True
    person.save(update_fields=["is_active"])
    assert Membership.objects.filter(room=team, user=person).exists()
