"""Liveness and readiness endpoints."""

import pytest


def test_healthz_answers_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_readyz_reports_every_check_ok_when_all_services_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {
        "database": "ok",
        "cache": "ok",
        "channel_layer": "ok",
        "broker": "ok",
    }


@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_and_names_the_checks_that_need_redis_when_redis_is_down():
    import json
    import urllib.error
    import urllib.request

    from tests.live import daphne, free_port

    closed = f"redis://127.0.0.1:{free_port()}/0"
    with daphne(REDIS_URL=closed) as url:
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(f"{url}/readyz", timeout=30)
        assert caught.value.code == 503
        body = json.load(caught.value)
        # /healthz stays up: the process is alive, it just cannot serve yet.
        with urllib.request.urlopen(f"{url}/healthz") as response:
            assert response.status == 200
    assert body["status"] == "fail"
    assert body["checks"]["database"] == "ok"
    for name in ("cache", "channel_layer", "broker"):
        assert body["checks"][name].startswith("fail"), body
    assert closed.split("//")[1].split("/")[0] in body["checks"]["cache"]
