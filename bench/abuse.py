"""One user floods sends through 6 sockets on 2 chat_file processes (gunicorn gevent, shared
Redis) for 8 s with RATE_LIMIT_SEND=2/0.4s (5 msgs/s, bursts of 2; SOCKET_SEND_RATE off);
`abuse_user_send_per_s_6_sockets` is the acknowledged sends per second (limit 5/s).

Each socket sends as fast as its acks come back; refusals (`RATE_LIMITED`) are not counted.
Before issue 23's per-user limits this was 76/s for a 10/s per-socket limit.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from typing import Any

import socketio

from tests.e2e.realtime_support import chat_servers, new_user, token_for

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
LIMIT = "2/0.4s"  # RATE_LIMIT_SEND of the flood: 5 msgs/s
LIMIT_PER_S = 5.0
SOCKETS = 6
SECONDS = 8.0


def flood(urls: list[str], sockets: int, seconds: float) -> dict[str, Any]:
    """`sockets` sockets of one new user (spread over `urls`) send to one recipient as fast as
    they can for `seconds`: accepted and refused counts, and the measured window."""
    sender, receiver = new_user(), new_user()
    token = token_for(sender)
    clients = []
    for i in range(sockets):
        client = socketio.Client(reconnection=False)
        client.connect(
            urls[i % len(urls)], auth={"token": token}, transports=["websocket"], wait_timeout=10
        )
        clients.append(client)
    counts = {"accepted": 0, "refused": 0, "other": 0}
    lock = threading.Lock()
    start = threading.Barrier(sockets + 1)
    stop_at = [0.0]

    def run(client: socketio.Client) -> None:
        start.wait()
        n = 0
        while time.monotonic() < stop_at[0]:
            n += 1
            body = {
                "receiverId": receiver,
                "content": f"flood {n}",
                "temporaryId": uuid.uuid4().hex,
            }
            ack = client.call("sendMessage", body, timeout=30)
            kind = (
                "accepted"
                if ack.get("success")
                else "refused"
                if ack.get("code") == "RATE_LIMITED"
                else "other"
            )
            with lock:
                counts[kind] += 1

    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    stop_at[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.monotonic() - began
    for client in clients:
        client.disconnect()
    return {**counts, "seconds": elapsed}


def run() -> dict[str, float | int]:
    extra = {"RATE_LIMIT_SEND": LIMIT, "SOCKET_SEND_RATE": "0"}
    with chat_servers(REDIS_URL, "gevent", count=2, **extra) as servers:
        result = flood([s.url for s in servers], SOCKETS, SECONDS)
    per_s = result["accepted"] / result["seconds"]
    print(f"   {result} → {per_s:.2f}/s accepted, limit {LIMIT_PER_S}/s")
    return {"abuse_user_send_per_s_6_sockets": round(per_s, 2)}
