"""Real processes: daphne serves HTTP and WebSockets; Celery runs tasks in its worker."""

import asyncio
import json

import pytest
import websockets

from accounts.services import create_api_token
from tests.factories import UserFactory
from tests.live import daphne

pytestmark = pytest.mark.django_db(transaction=True)


def test_daphne_answers_http_and_accepts_a_token_websocket():
    user = UserFactory()
    _token, key = create_api_token(user=user, name="test")

    async def ping(url):
        ws_url = url.replace("http://", "ws://") + "/ws/"
        async with websockets.connect(
            ws_url, additional_headers={"Authorization": f"Token {key}"}
        ) as ws:
            await ws.send(json.dumps({"type": "ping"}))
            return json.loads(await asyncio.wait_for(ws.recv(), 5))

    with daphne() as url:
        import urllib.request

        with urllib.request.urlopen(f"{url}/healthz") as response:
            assert json.load(response) == {"status": "ok"}
        assert asyncio.run(ping(url)) == {"type": "pong"}
