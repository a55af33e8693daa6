"""Chat fan-out benchmark: N clients in one room, S of them sending at a fixed total rate.

Prints p50/p95/p99 delivery latency (send to first receipt, including messages recovered by
`chat.sync`), how many messages were lost (never reached a client, even after its final sync)
and how many each client would have shown twice (zero: clients keep messages by seq), plus
how many frames arrived twice on the wire and how many gaps were filled by resync.

Run it against a live server started with a raised rate limit, for instance:

    CHAT_RATE_LIMIT=1000000 DEBUG=false DATABASE_URL=... REDIS_URL=... \
        daphne -p 8650 collab.asgi:application
    DATABASE_URL=... python tests/load/ws_fanout.py --url ws://127.0.0.1:8650/ws/ \
        --clients 200 --senders 10 --rate 10 --seconds 10

It creates (once) the people `bench-<n>` and a channel `bench` in the database named by
DATABASE_URL, with a token per person; run it with the same settings as the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collab.settings")


def prepare(clients: int) -> tuple[int, list[str]]:
    """Create the bench people and room (idempotent); return the room id and token keys."""
    import django

    django.setup()
    from accounts.models import User
    from accounts.services import create_api_token
    from chat.models import Membership, Room, RoomKind

    room, _ = Room.objects.get_or_create(kind=RoomKind.CHANNEL, name="bench")
    keys = []
    for n in range(clients):
        user, _ = User.objects.get_or_create(
            username=f"bench-{n}", defaults={"display_name": f"Bench {n}"}
        )
        Membership.objects.get_or_create(room=room, user=user)
        keys.append(create_api_token(user=user, name="bench")[1])
    return room.pk, keys


def server_cpu(pid: int | None) -> float:
    """Return the CPU seconds (user + system) a process has used so far (Linux)."""
    if not pid:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Client:
    def __init__(self, url: str, key: str, room: int):
        self.url, self.key, self.room = url, key, room
        self.seqs: set[int] = set()
        self.contiguous = 0  # every seq up to this one is held
        self.base = None  # the room's last seq when the run started
        self.latencies: list[float] = []
        self.wire_duplicates = 0
        self.resyncs = 0
        self.errors = 0
        self.syncing = False
        self.synced = asyncio.Event()
        self.ws = None

    async def open(self, websockets):
        self.ws = await websockets.connect(
            self.url, additional_headers={"Authorization": f"Token {self.key}"}, max_queue=None
        )

    async def sync(self):
        if not self.syncing:
            self.syncing = True
            self.resyncs += 1
            await self.ws.send(
                json.dumps({"type": "chat.sync", "room": self.room, "after": self.contiguous})
            )

    async def run(self):
        async for text in self.ws:
            now = time.time()
            frame = json.loads(text)
            kind = frame["type"]
            if kind == "chat.message":
                message = frame["message"]
                seq = message["seq"]
                if seq in self.seqs or seq <= self.contiguous:
                    self.wire_duplicates += 1
                    continue
                self.seqs.add(seq)
                if message["body"].startswith("t="):
                    self.latencies.append(now - float(message["body"][2:].split()[0]))
                while self.contiguous + 1 in self.seqs:
                    self.contiguous += 1
                    self.seqs.discard(self.contiguous)
                if self.seqs and not self.syncing:
                    await self.sync()  # a jump: fetch the gap from the database
            elif kind == "chat.synced":
                self.syncing = False
                if self.seqs:  # a gap is still open: ask again
                    await self.sync()
                else:
                    self.synced.set()
            elif kind == "error":
                self.errors += 1
            elif kind == "chat.resync":
                await self.sync()


async def main(args) -> None:
    import websockets

    room, keys = await asyncio.to_thread(prepare, args.clients)
    from chat.models import Room

    if args.reference:
        import redis

        from tests.load.tutorial_asgi import SEQ_KEY

        counter = redis.Redis.from_url(os.environ["REDIS_URL"])
        counter.delete(SEQ_KEY)

        def last_seq():
            return int(counter.get(SEQ_KEY) or 0)
    else:

        def last_seq():
            return Room.objects.get(pk=room).last_seq

    start_seq = await asyncio.to_thread(last_seq)
    clients = [Client(args.url, key, room) for key in keys]
    for batch in range(0, len(clients), 50):
        await asyncio.gather(*(c.open(websockets) for c in clients[batch : batch + 50]))
    for c in clients:
        c.contiguous = start_seq
    readers = [asyncio.ensure_future(c.run()) for c in clients]
    await asyncio.sleep(args.warmup)  # let connection work (presence, joins) settle
    senders = clients[: args.senders]
    interval = args.senders / args.rate
    sent = 0

    async def sender(index: int, client: Client):
        nonlocal sent
        deadline = time.monotonic() + args.seconds
        next_at = time.monotonic() + interval * index / len(senders)
        n = 0
        while next_at < deadline:
            await asyncio.sleep(max(0, next_at - time.monotonic()))
            body = f"t={time.time():.6f} from {index}"
            await client.ws.send(
                json.dumps(
                    {
                        "type": "chat.send",
                        "room": room,
                        "body": body,
                        "client_id": f"b{os.getpid()}-{index}-{n}-{time.time_ns()}",
                    }
                )
            )
            n += 1
            sent += 1
            next_at += interval

    cpu_before = server_cpu(args.server_pid)
    started = time.monotonic()
    await asyncio.gather(*(sender(i, c) for i, c in enumerate(senders)))
    elapsed = time.monotonic() - started
    cpu_used = server_cpu(args.server_pid) - cpu_before
    await asyncio.sleep(args.drain)
    # A last sync per client: whatever is still missing now is lost for good.
    for c in clients:
        c.synced.clear()
        c.syncing = False
        await c.sync()
    await asyncio.wait_for(asyncio.gather(*(c.synced.wait() for c in clients)), 60)
    await asyncio.sleep(0.5)
    end_seq = await asyncio.to_thread(last_seq)
    stored = end_seq - start_seq
    # Missing: above the contiguous run and not held out of order (a reference server has
    # no replay, so its clients keep gaps).
    lost = sum(
        max(0, end_seq - c.contiguous - sum(1 for x in c.seqs if x <= end_seq)) for c in clients
    )
    latencies = sorted(x for c in clients for x in c.latencies)
    for task in readers:
        task.cancel()
    for c in clients:
        await c.ws.close()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000

    print(f"clients={args.clients} senders={args.senders} rate={args.rate}/s seconds={elapsed:.1f}")
    print(
        f"sent={sent} stored={stored} error_frames={sum(c.errors for c in clients)} "
        f"deliveries_expected={stored * args.clients}"
    )
    print(f"deliveries/s offered={stored * args.clients / elapsed:.0f}")
    if latencies:
        print(
            f"latency ms: p50={pct(50):.1f} p95={pct(95):.1f} p99={pct(99):.1f} "
            f"max={latencies[-1] * 1000:.1f} mean={statistics.mean(latencies) * 1000:.1f}"
        )
    if args.server_pid:
        deliveries = stored * args.clients
        print(
            f"server CPU: {cpu_used:.2f} s over the sending window = "
            f"{cpu_used / max(1, deliveries) * 1e6:.0f} µs per delivery (incl. storing the message)"
        )
    print(
        f"lost={lost} shown_twice=0 wire_duplicates={sum(c.wire_duplicates for c in clients)} "
        f"resyncs={sum(c.resyncs for c in clients) - len(clients)}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="ws://127.0.0.1:8000/ws/")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--senders", type=int, default=5)
    parser.add_argument("--rate", type=float, default=10, help="messages per second, all senders")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument(
        "--reference", action="store_true", help="the server is tests/load/tutorial_asgi.py"
    )
    parser.add_argument("--server-pid", type=int, help="daphne's pid, to report its CPU use")
    parser.add_argument("--warmup", type=float, default=2, help="seconds before sending")
    parser.add_argument("--drain", type=float, default=2, help="seconds to wait after sending")
    asyncio.run(main(parser.parse_args()))
