"""Real processes: daphne serves HTTP and WebSockets; Celery runs tasks in its worker."""

import asyncio
import json
import os
from pathlib import Path

import pytest
import websockets
from celery import Celery

from accounts.services import create_api_token
from collab.config import filesystem_celery
from tests.factories import UserFactory
from tests.live import celery_worker, daphne

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


def redis_url_for_tests() -> str:
    """Return the Redis db this run may use (Redis runs on every machine and in CI)."""
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/9"


def sender_for(broker_env: dict) -> Celery:
    """Return a Celery app configured like a web process with `broker_env`."""
    from django.conf import settings

    # Not the current app: shared tasks (notification emails...) must keep the project's app.
    app = Celery("collab-test-sender", set_as_current=False)
    if broker_env.get("REDIS_URL"):
        app.conf.broker_url = broker_env["REDIS_URL"]
        app.conf.result_backend = broker_env["REDIS_URL"]
    else:
        fs = filesystem_celery(Path(settings.DATA_DIR))
        app.conf.broker_url = fs["broker_url"]
        app.conf.broker_transport_options = fs["broker_transport_options"]
        app.conf.result_backend = fs["result_backend"]
    return app


@pytest.mark.parametrize("broker", ["filesystem", "redis"])
def test_a_task_runs_in_the_worker_process_not_in_the_caller(broker):
    env = {"REDIS_URL": redis_url_for_tests()} if broker == "redis" else {"REDIS_URL": None}
    sender = sender_for(env)
    with celery_worker(**env):
        answer = sender.send_task("collab.tasks.probe").get(timeout=60)
    assert answer["pid"] != os.getpid()
    assert isinstance(answer["pid"], int)
