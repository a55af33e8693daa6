"""Live `issue.updated` frames: to the reporter, the assignee and the leads, after commit."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from collab import realtime
from issues import services

pytestmark = pytest.mark.django_db(transaction=True)


def subscribe(user):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(realtime.user_group(user.pk), channel)
    return channel


def frames(channel) -> list[dict]:
    """Drain what reached `channel` (the in-memory and Redis layers both answer quickly)."""
    layer = get_channel_layer()
    received = []

    async def drain():
        import asyncio

        while True:
            try:
                event = await asyncio.wait_for(layer.receive(channel), timeout=0.3)
            except TimeoutError:
                return
            received.append(event["frame"])

    async_to_sync(drain)()
    return received


def test_triage_change_reaches_reporter_assignee_and_leads_but_no_one_else(
    issue, reporter, other_dev, lead, admin_lead
):
    from tests.factories import UserFactory

    assignee = UserFactory(username="ann")
    channels = {u.username: subscribe(u) for u in (reporter, other_dev, lead, admin_lead, assignee)}
    services.update_issue(
        actor=lead, issue_id=issue.pk, assignee_id=assignee.pk, status="in_review"
    )
    for name in ("rita", "lena", "ada", "ann"):
        got = [f for f in frames(channels[name]) if f["type"] == "issue.updated"]
        assert len(got) == 1, name
        assert got[0]["issue"]["status"] == "in_review"
        assert got[0]["issue"]["assignee"]["username"] == "ann"
        assert set(got[0]["changes"]) == {"assignee", "status"}
    assert [f for f in frames(channels["otto"]) if f["type"] == "issue.updated"] == []


def test_a_refused_change_publishes_nothing(issue, reporter, lead):
    channel = subscribe(reporter)
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do
        services.update_issue(actor=lead, issue_id=issue.pk, status="resolved")
    assert frames(channel) == []
