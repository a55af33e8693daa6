"""`issue.updated` over a real WebSocket consumer: the reporter's socket hears a lead's triage."""

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from accounts.services import create_api_token
from collab.routing import websocket_urlpatterns
from collab.websocket import WebSocketAuthMiddleware
from issues import services
from tests.ws import frames_of, receives_nothing_but_presence

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

application = WebSocketAuthMiddleware(URLRouter(websocket_urlpatterns))


async def connect(user):
    _token, key = await sync_to_async(create_api_token)(user=user, name="test")
    communicator = WebsocketCommunicator(
        application, "/ws/", headers=[(b"authorization", f"Token {key}".encode())]
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_reporter_socket_receives_the_triage_change_and_a_bystander_does_not(
    reporter, other_dev, lead
):
    issue = await sync_to_async(services.report_issue)(reporter=reporter, title="Socket test")
    mine = await connect(reporter)
    theirs = await connect(other_dev)
    await sync_to_async(services.update_issue)(
        actor=lead, issue_id=issue.pk, status="in_review", priority="high"
    )
    seen = await frames_of(mine, {"issue.updated", "notification"})
    issue_frame = seen["issue.updated"]["issue"]
    assert issue_frame["id"] == issue.pk
    assert (issue_frame["status"], issue_frame["priority"]) == ("in_review", "high")
    assert seen["notification"]["notification"]["kind"] == "issue_status"
    assert await receives_nothing_but_presence(theirs, timeout=0.5)
    await mine.disconnect()
    await theirs.disconnect()
