"""The chat REST API, endpoint by endpoint, with its permissions."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from chat import services
from chat.models import Message
from tests.chat.conftest import make_channel, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(member):
    client = APIClient()
    client.force_authenticate(member)
    return client


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def send(room, author, body="hi", client_id=None):
    return services.send_message(author=author, room_id=room.pk, body=body, client_id=client_id)[0]


def test_anonymous_and_bad_tokens_get_401(channel):
    anonymous = APIClient()
    assert anonymous.get("/api/v1/rooms/").status_code == 401
    anonymous.credentials(HTTP_AUTHORIZATION="Token nope")
    assert anonymous.get(f"/api/v1/rooms/{channel.pk}/messages/").status_code == 401


def test_room_list_has_unread_counts_and_last_messages(api, member, other, channel, direct):
    send(channel, other, "one", "a1")
    send(channel, other, "two", "a2")
    send(direct, member, "mine", "a3")
    response = api.get("/api/v1/rooms/")
    assert response.status_code == 200
    rooms = {room["id"]: room for room in response.json()["results"]}
    team = services.team_channel()
    assert list(rooms) == [team.pk, channel.pk, direct.pk]
    assert rooms[channel.pk]["unread_count"] == 2
    assert rooms[channel.pk]["last_message"]["body"] == "two"
    assert rooms[channel.pk]["kind"] == "channel" and rooms[channel.pk]["name"] == "design"
    # My own message is not unread; a direct room is named after the other person.
    assert rooms[direct.pk]["unread_count"] == 0
    assert rooms[direct.pk]["name"] == other.name and rooms[direct.pk]["kind"] == "direct"
    assert rooms[team.pk]["last_message"] is None
    assert set(rooms[team.pk]) >= {"id", "kind", "name", "unread_count", "last_seq", "read_seq"}


def test_token_authentication_works(member, channel):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(member)}")
    assert client.get("/api/v1/rooms/").status_code == 200


def test_sending_answers_201_then_200_for_the_same_client_id(api, channel):
    url = f"/api/v1/rooms/{channel.pk}/messages/"
    first = api.post(url, {"body": "  hello  ", "client_id": "abc_1"}, format="json")
    assert first.status_code == 201
    data = first.json()
    assert data["body"] == "hello" and data["seq"] == 1 and data["client_id"] == "abc_1"
    assert set(data) == {
        "id", "room", "seq", "author", "body", "html", "created_at", "edited_at", "deleted",
        "client_id",
    }  # fmt: skip
    for _ in range(2):
        again = api.post(url, {"body": "hello", "client_id": "abc_1"}, format="json")
        assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Message.objects.count() == 1
    generated = api.post(url, {"body": "no id"}, format="json")
    assert generated.status_code == 201 and generated.json()["client_id"]


@pytest.mark.parametrize(
    "payload",
    [{"body": ""}, {"body": "x" * 4001}, {"client_id": "x"}, {"body": "a", "client_id": "bad id"}],
)
def test_bad_messages_answer_400_and_store_nothing(api, channel, payload):
    response = api.post(f"/api/v1/rooms/{channel.pk}/messages/", payload, format="json")
    assert response.status_code == 400
    assert not Message.objects.exists()


def test_non_members_get_404_and_see_nothing(outsider, channel, direct, member):
    send(channel, member, "secret", "s1")
    send(direct, member, "private", "s2")
    client = client_for(outsider)
    for room in (channel, direct):
        assert client.get(f"/api/v1/rooms/{room.pk}/messages/").status_code == 404
        response = client.post(f"/api/v1/rooms/{room.pk}/messages/", {"body": "x"}, format="json")
        assert response.status_code == 404
        assert client.post(f"/api/v1/rooms/{room.pk}/read/", {"seq": 1}).status_code == 404
    message = Message.objects.get(client_id="s1")
    assert client.patch(f"/api/v1/messages/{message.pk}/", {"body": "x"}).status_code == 404
    assert client.delete(f"/api/v1/messages/{message.pk}/").status_code == 404
    assert client.get("/api/v1/search/messages/?q=secret").json()["results"] == []
    ids = [room["id"] for room in client.get("/api/v1/rooms/").json()["results"]]
    assert channel.pk not in ids and direct.pk not in ids
    assert Message.objects.count() == 2


def test_history_pages_by_before_and_after(api, member, channel):
    for n in range(1, 8):
        send(channel, member, f"m{n}", f"h{n}")
    url = f"/api/v1/rooms/{channel.pk}/messages/"
    newest = api.get(url, {"limit": 3}).json()
    assert [m["seq"] for m in newest["results"]] == [5, 6, 7] and newest["has_more"]
    older = api.get(url, {"before": 5, "limit": 3}).json()
    assert [m["seq"] for m in older["results"]] == [2, 3, 4] and older["has_more"]
    oldest = api.get(url, {"before": 2, "limit": 3}).json()
    assert [m["seq"] for m in oldest["results"]] == [1] and not oldest["has_more"]
    after = api.get(url, {"after": 2, "limit": 3}).json()
    assert [m["seq"] for m in after["results"]] == [3, 4, 5] and after["has_more"]
    end = api.get(url, {"after": 5}).json()
    assert [m["seq"] for m in end["results"]] == [6, 7] and not end["has_more"]
    assert api.get(url, {"limit": "many"}).status_code == 400
    assert api.get(url, {"before": -1}).status_code == 400
    assert len(api.get(url, {"limit": 1000}).json()["results"]) == 7


def test_edit_and_delete_by_the_author(api, member, other, channel):
    message = send(channel, member, "typo", "e1")
    url = f"/api/v1/messages/{message.pk}/"
    response = api.patch(url, {"body": "**fixed**"}, format="json")
    assert response.status_code == 200
    assert response.json()["html"] == "<p><strong>fixed</strong></p>"
    assert response.json()["edited_at"]
    assert client_for(other).patch(url, {"body": "x"}, format="json").status_code == 403
    assert client_for(other).delete(url).status_code == 403
    assert api.patch(url, {"body": ""}, format="json").status_code == 400
    assert api.delete(url).status_code == 204
    history = api.get(f"/api/v1/rooms/{channel.pk}/messages/").json()["results"]
    assert history[0]["deleted"] and history[0]["body"] == "" and history[0]["seq"] == 1
    assert api.patch(url, {"body": "again"}, format="json").status_code == 409


def test_leads_delete_in_channels_not_in_direct_rooms(member, lead_user):
    channel = make_channel("ops", member, lead_user)
    public = send(channel, member, "spam", "l1")
    lead = client_for(lead_user)
    assert lead.delete(f"/api/v1/messages/{public.pk}/").status_code == 204
    direct, _ = services.open_direct_room(user=member, other_id=lead_user.pk)
    private = send(direct, member, "mine", "l2")
    assert lead.delete(f"/api/v1/messages/{private.pk}/").status_code == 403


def test_read_moves_forward_only(api, other, channel):
    for n in range(3):
        send(channel, other, "m", f"r{n}")
    url = f"/api/v1/rooms/{channel.pk}/read/"
    response = api.post(url, {"seq": 2}, format="json")
    assert response.status_code == 200
    assert response.json()["read_seq"] == 2 and response.json()["unread_count"] == 1
    assert api.post(url, {"seq": 1}, format="json").json()["read_seq"] == 2
    assert api.post(url, {"seq": "x"}, format="json").status_code == 400


def test_direct_room_is_201_then_200_from_both_sides(api, member, other):
    first = api.post("/api/v1/rooms/direct/", {"user": other.pk}, format="json")
    assert first.status_code == 201 and first.json()["kind"] == "direct"
    again = client_for(other).post("/api/v1/rooms/direct/", {"user": member.pk}, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert api.post("/api/v1/rooms/direct/", {"user": member.pk}).status_code == 400
    assert api.post("/api/v1/rooms/direct/", {"user": 999999}).status_code == 404
    assert api.post("/api/v1/rooms/direct/", {}).status_code == 400


def test_channels_are_created_by_leads_and_joined_and_left(api, lead_user, member):
    assert api.post("/api/v1/rooms/", {"name": "random"}).status_code == 403
    lead = client_for(lead_user)
    created = lead.post("/api/v1/rooms/", {"name": "random", "topic": "t"}, format="json")
    assert created.status_code == 201
    room_id = created.json()["id"]
    assert lead.post("/api/v1/rooms/", {"name": "random"}).status_code == 409
    assert api.post(f"/api/v1/rooms/{room_id}/join/").status_code == 200
    assert api.post(f"/api/v1/rooms/{room_id}/leave/").status_code == 204
    assert api.get(f"/api/v1/rooms/{room_id}/messages/").status_code == 404


def test_search_finds_identifiers_and_phrases_and_highlights_safely(api, member, channel):
    send(channel, member, "Deploy of PLT-3699 failed on <b>staging</b>", "q1")
    send(channel, member, "the quick brown fox", "q2")
    send(channel, member, "brown quick the fox", "q3")
    url = "/api/v1/search/messages/"
    found = api.get(url, {"q": "PLT-3699"}).json()["results"]
    assert [m["client_id"] for m in found] == ["q1"]
    assert "<mark>PLT-3699</mark>" in found[0]["highlight"]
    assert "&lt;b&gt;" in found[0]["highlight"] and "<b>" not in found[0]["highlight"]
    assert found[0]["room_name"] == "design"
    phrase = api.get(url, {"q": '"quick brown"'}).json()["results"]
    assert [m["client_id"] for m in phrase] == ["q2"]
    words = api.get(url, {"q": "quick brown"}).json()["results"]
    assert {m["client_id"] for m in words} == {"q2", "q3"}
    assert api.get(url, {"q": ""}).json()["results"] == []
    assert api.get(url, {"q": '"'}).status_code == 200


def test_the_openapi_schema_documents_the_chat_endpoints(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/rooms/{room_id}/messages/" in text


def test_numbers_too_big_for_the_database_answer_404_or_400_not_500(api, channel):
    huge = 10**30
    assert api.get(f"/api/v1/rooms/{huge}/messages/").status_code == 404
    assert api.post(f"/api/v1/rooms/{huge}/messages/", {"body": "x"}).status_code == 404
    assert api.patch(f"/api/v1/messages/{huge}/", {"body": "x"}).status_code == 404
    assert api.post(f"/api/v1/rooms/{huge}/join/").status_code == 404
    assert api.post("/api/v1/rooms/direct/", {"user": huge}).status_code == 404
    url = f"/api/v1/rooms/{channel.pk}/messages/"
    assert api.get(url, {"after": huge}).json()["results"] == []
    assert api.get(url, {"before": huge}).status_code == 200
    assert api.post(f"/api/v1/rooms/{channel.pk}/read/", {"seq": huge}).status_code == 400
