"""Presence: heartbeats per connection that expire on their own."""

import pytest

from collab import presence

pytestmark = pytest.mark.django_db


def test_a_person_is_online_while_any_of_their_tabs_is(monkeypatch):
    assert presence.mark_online(user_id=1, connection_id="tab-a") is True
    assert presence.mark_online(user_id=1, connection_id="tab-b") is False
    assert presence.online_user_ids([1, 2]) == {1}
    assert presence.mark_offline(user_id=1, connection_id="tab-a") is False
    assert presence.online_user_ids([1]) == {1}
    assert presence.mark_offline(user_id=1, connection_id="tab-b") is True
    assert presence.online_user_ids([1]) == set()


def test_a_connection_that_stops_beating_drops_offline(monkeypatch):
    import time

    now = time.time()
    presence.mark_online(user_id=7, connection_id="crashed-process")
    monkeypatch.setattr(presence.time, "time", lambda: now + presence.TTL + 1)
    assert presence.online_user_ids([7]) == set()
    assert presence.online_user_ids([]) == set()
    presence.mark_offline(user_id=7, connection_id="crashed-process")
