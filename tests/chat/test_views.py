"""Chat pages: the room, the forms that work without JavaScript, search, the dashboard panel."""

from __future__ import annotations

import pytest

from chat import services
from chat.models import Membership, Message, Room
from tests.chat.conftest import make_channel

pytestmark = pytest.mark.django_db


def test_chat_opens_the_team_channel(member_client):
    team = services.team_channel()
    response = member_client.get("/chat/")
    assert response.status_code == 302 and response.url == f"/chat/{team.pk}/"


def test_anonymous_people_are_sent_to_log_in(client, channel):
    assert client.get(f"/chat/{channel.pk}/").status_code == 302


def test_the_room_page_shows_history_safely_and_the_new_messages_line(
    member_client, member, other, channel
):
    services.send_message(author=member, room_id=channel.pk, body="read already")
    services.send_message(author=other, room_id=channel.pk, body="<script>x</script> **new**")
    page = member_client.get(f"/chat/{channel.pk}/").content.decode()
    assert "read already" in page and "<strong>new</strong>" in page
    assert "<script>x" not in page and "&lt;script&gt;" in page
    assert page.index("read already") < page.index("New messages") < page.index("new</strong>")
    assert 'href="/issues/new/?message=' in page
    assert 'data-unread="' in page and "#design" in page


def test_non_members_get_404_on_a_room_page(client, outsider, channel, direct):
    client.force_login(outsider)
    for room in (channel, direct):
        assert client.get(f"/chat/{room.pk}/").status_code == 404
        assert client.post(f"/chat/{room.pk}/send/", {"body": "x"}).status_code == 404
    assert not Message.objects.exists()


def test_the_plain_form_sends_and_explains_refusals(member_client, channel):
    response = member_client.post(f"/chat/{channel.pk}/send/", {"body": "no script needed"})
    assert response.status_code == 302
    assert Message.objects.get().body == "no script needed"
    response = member_client.post(f"/chat/{channel.pk}/send/", {"body": " "}, follow=True)
    assert "1 to 4,000 characters" in response.content.decode()


def test_opening_a_direct_room_from_the_page(member_client, other):
    response = member_client.post("/chat/direct/", {"user": other.pk})
    room = Room.objects.get(kind="direct")
    assert response.url == f"/chat/{room.pk}/"
    page = member_client.get(response.url).content.decode()
    assert other.name in page
    bad = member_client.post("/chat/direct/", {"user": "x"}, follow=True)
    assert "No such person" in bad.content.decode()


def test_leads_create_channels_and_people_join_and_leave_from_the_page(client, member, lead_user):
    client.force_login(member)
    refused = client.post("/chat/channels/", {"name": "random"}, follow=True)
    assert "may not create channels" in refused.content.decode()
    client.force_login(lead_user)
    created = client.post("/chat/channels/", {"name": "random"})
    room = Room.objects.get(name="random")
    assert created.url == f"/chat/{room.pk}/"
    client.force_login(member)
    assert "random" in client.get(f"/chat/{services.team_channel().pk}/").content.decode()
    assert client.post(f"/chat/{room.pk}/join/").url == f"/chat/{room.pk}/"
    assert Membership.objects.filter(room=room, user=member).exists()
    assert client.post(f"/chat/{room.pk}/leave/").url == "/chat/"
    assert not Membership.objects.filter(room=room, user=member).exists()
    assert client.post("/chat/999999/join/").status_code == 302
    team = services.team_channel()
    stay = client.post(f"/chat/{team.pk}/leave/", follow=True)
    assert "Everyone stays" in stay.content.decode()


def test_search_page_highlights_and_links_to_the_message(member_client, member, channel):
    services.send_message(author=member, room_id=channel.pk, body="bug PLT-3699 <b>again</b>")
    page = member_client.get("/chat/search/", {"q": "PLT-3699"}).content.decode()
    assert "<mark>PLT-3699</mark>" in page and "&lt;b&gt;" in page
    assert f"/chat/{channel.pk}/?seq=1#msg-1" in page
    empty = member_client.get("/chat/search/", {"q": "nothing-like-this"}).content.decode()
    assert "Nothing found" in empty
    assert member_client.get("/chat/search/").status_code == 200


def test_the_dashboard_lists_my_rooms_with_unread_counts(member_client, member, other):
    room = make_channel("dash", member, other)
    services.send_message(author=other, room_id=room.pk, body="hi")
    page = member_client.get("/").content.decode()
    assert "My rooms" in page and "#dash" in page and '1<span class="sr-only"> unread' in page


def test_a_link_to_an_old_message_opens_the_history_around_it(member_client, member, settings):
    settings.CHAT_RATE_LIMIT = 1000
    room = make_channel("deep", member)
    for n in range(1, 81):
        services.send_message(author=member, room_id=room.pk, body=f"number {n}.")
    page = member_client.get(f"/chat/{room.pk}/", {"seq": 5}).content.decode()
    assert 'id="msg-5"' in page and 'id="msg-1"' in page and 'id="msg-80"' not in page
    latest = member_client.get(f"/chat/{room.pk}/", {"seq": "junk"}).content.decode()
    assert 'id="msg-80"' in latest and 'id="msg-5"' not in latest


def test_a_direct_room_shows_whether_the_other_person_is_online(member_client, other, direct):
    from collab import presence

    presence.mark_online(user_id=other.pk, connection_id="tab")
    page = member_client.get(f"/chat/{direct.pk}/").content.decode()
    assert "presence-dot is-online" in page and "(online)" in page
    presence.mark_offline(user_id=other.pk, connection_id="tab")
    assert "(offline)" in member_client.get(f"/chat/{direct.pk}/").content.decode()


def test_a_message_shows_the_issues_raised_from_it_to_those_who_may_see_them(
    client, member, other, channel
):
    from issues.services import report_issue

    message, _new = services.send_message(author=other, room_id=channel.pk, body="login is broken")
    issue = report_issue(reporter=other, title="Login broken", source_message_id=message.pk)
    # The reporter sees the marker with a link to the issue ...
    client.force_login(other)
    page = client.get(f"/chat/{channel.pk}/").content.decode()
    assert "Issue raised:" in page
    assert f'href="/issues/{issue.pk}/">#{issue.pk} Login broken</a>' in page
    # ... another developer, who may not see that issue, sees no trace of it.
    client.force_login(member)
    page = client.get(f"/chat/{channel.pk}/").content.decode()
    assert "Login broken" not in page
    assert "Issue raised:" not in page
