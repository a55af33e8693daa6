"""Realistic chat load: people read their rooms, page history, send now and then, search.

    locust -f tests/load/locustfile.py --headless -u 50 -r 10 -t 60s \
        --host http://127.0.0.1:8000 --csv out/run --only-summary

Needs people `bench-0` … `bench-<n>` with the password in BENCH_PASSWORD (tests/load/ws_fanout.py
creates them without passwords: set one with `manage.py changepassword`, or point
BENCH_USERS at your own accounts, comma-separated username:password pairs).
"""

from __future__ import annotations

import itertools
import os
import uuid

from locust import HttpUser, between, task

USERS = [
    pair.split(":", 1) for pair in os.environ.get("BENCH_USERS", "").split(",") if ":" in pair
] or [[f"bench-{n}", os.environ.get("BENCH_PASSWORD", "bench-pass-2026")] for n in range(50)]
_next_user = itertools.cycle(USERS)


class ChatUser(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        username, password = next(_next_user)
        response = self.client.post(
            "/api/v1/auth/token/", json={"username": username, "password": password}
        )
        self.client.headers["Authorization"] = f"Token {response.json()['token']}"
        rooms = self.client.get("/api/v1/rooms/").json()["results"]
        self.room = rooms[0]["id"]

    @task(5)
    def room_list(self):
        self.client.get("/api/v1/rooms/")

    @task(5)
    def history(self):
        self.client.get(
            f"/api/v1/rooms/{self.room}/messages/?limit=50", name="/api/v1/rooms/[id]/messages/"
        )

    @task(2)
    def send(self):
        self.client.post(
            f"/api/v1/rooms/{self.room}/messages/",
            json={"body": "load test message PLT-3699", "client_id": uuid.uuid4().hex},
            name="/api/v1/rooms/[id]/messages/ POST",
        )

    @task(1)
    def search(self):
        self.client.get("/api/v1/search/messages/?q=PLT-3699", name="/api/v1/search/messages/")
