"""Presence: several tabs and processes, and entries that expire when nobody refreshes them."""

from __future__ import annotations

import uuid

import pytest

from collab import presence


@pytest.fixture
def user_id():
    # Fresh ids: presence lives in Redis or the cache, outside the test database.
    return uuid.uuid4().int % 10**9


def test_a_person_is_online_while_any_tab_is_open(user_id):
    assert presence.mark_online(user_id=user_id, connection_id="tab1") is True
    assert presence.mark_online(user_id=user_id, connection_id="tab2") is False
    assert presence.online_user_ids([user_id, user_id + 1]) == {user_id}
    assert presence.mark_offline(user_id=user_id, connection_id="tab1") is False
    assert presence.online_user_ids([user_id]) == {user_id}
    assert presence.mark_offline(user_id=user_id, connection_id="tab2") is True
    assert presence.online_user_ids([user_id]) == set()
    assert presence.online_user_ids([]) == set()


def test_a_crashed_process_leaves_nobody_stuck_online(user_id, monkeypatch):
    presence.mark_online(user_id=user_id, connection_id="crashed")
    real_time = presence.time.time
    # The process died: nobody refreshes the heartbeat, and after TTL the entry is gone.
    monkeypatch.setattr(presence.time, "time", lambda: real_time() + presence.TTL + 1)
    assert presence.online_user_ids([user_id]) == set()
    assert presence.mark_online(user_id=user_id, connection_id="new") is True
