"""Soak: 200 Socket.IO clients in 20 groups of 10 send for SOAK_SECONDS (default 60) against one
chat_file process (gunicorn gevent) on loopback, with HTTP traffic alongside (history pages,
conversation lists, HTTP sends). Clients live in SOAK_PROCESSES processes (no single GIL).

Runs on PostgreSQL (see conftest.py); every figure name ends in `_postgres`.
Figures (var/test-figures.json): soak_msgs_per_s (acknowledged sends / s), soak_p50_ms and
soak_p99_ms (emit → delivery to the other members), soak_errors (failed or refused sends,
HTTP errors, failed connections; target 0), soak_lost_messages (acknowledged but not in
history), soak_duplicate_messages (in history more than once), soak_lost_deliveries (a
connected member that never got one), soak_duplicate_deliveries (a member that got the same
message twice): the last four must be 0.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import requests

from libs.usercache import UserCache
from services.chat_file.kernel.limits import user_limits_off_env
from tests.support.figures import record_figures
from tests.support.servers import ServiceProcess

from .load import run_clients, token

pytestmark = [
    pytest.mark.soak,
    pytest.mark.timeout(int(os.environ.get("SOAK_SECONDS", "60")) + 300),
]

SECONDS = float(os.environ.get("SOAK_SECONDS", "60"))
CLIENTS = int(os.environ.get("SOAK_CLIENTS", "200"))
GROUPS = int(os.environ.get("SOAK_GROUPS", "20"))
RATE = float(os.environ.get("SOAK_RATE", "0.25"))  # sends per client per second
PROCESSES = int(os.environ.get("SOAK_PROCESSES", "4"))
HTTP_THREADS = int(os.environ.get("SOAK_HTTP_THREADS", "2"))
SECRET = "soak-secret-0123456789abcdef-0123456789abcdef"


@pytest.fixture(scope="module")
def server(redis_url: str, redis_client: redis.Redis) -> Iterator[tuple[ServiceProcess, str]]:
    prefix = f"test:soak:{uuid.uuid4().hex[:6]}:"
    env = {
        "APP_ENV": "test",
        "JWT_SECRET": SECRET,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": prefix,
        "USER_CACHE_PREFIX": f"{prefix}user:profile:",
        "AUTH_USER_SERVICE_URL": "http://127.0.0.1:9",
        "SOCKET_SEND_RATE": "0",
        **user_limits_off_env(),  # the per-user limits too (#23)
        "ACCESS_LOG": "/dev/null",
        "LOG_LEVEL": "warning",
        "WORKER_CONNECTIONS": "4000",
    }
    chat = ServiceProcess("chat_file", env).start()
    yield chat, prefix
    chat.stop()
    keys = list(redis_client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        redis_client.delete(*keys)


def auth(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(user, SECRET)}"}


def make_groups(url: str, users: list[str]) -> dict[str, list[str]]:
    """conversationId → its members (the first one created it)."""
    size = len(users) // GROUPS
    groups = {}
    for g in range(GROUPS):
        members = users[g * size : (g + 1) * size]
        created = requests.post(
            f"{url}/groups",
            json={"name": f"soak {g}", "members": members[1:]},
            headers=auth(members[0]),
            timeout=10,
        )
        assert created.status_code == 201, created.text
        groups[created.json()["data"]["id"]] = members
    return groups


class HttpTraffic(threading.Thread):
    """Reads and sends over HTTP beside the sockets; every non-2xx is an error."""

    def __init__(self, url: str, groups: dict[str, list[str]], deadline: float, seed: int):
        super().__init__(daemon=True)
        self.url, self.groups, self.deadline, self.seed = url, groups, deadline, seed
        self.acked: list[tuple[str, str, str]] = []
        self.errors: list[str] = []
        self.requests = 0
        self.timings: dict[str, list[float]] = {}

    def run(self) -> None:
        session, n = requests.Session(), 0
        items = list(self.groups.items())
        while time.time() < self.deadline:
            n += 1
            cid, members = items[(self.seed + n) % len(items)]
            user = members[n % len(members)]
            calls = [
                ("GET", f"/messages?conversationId={cid}&limit=50", None),
                ("GET", "/conversations?limit=20", None),
                (
                    "POST",
                    "/messages",
                    {
                        "conversationId": cid,
                        "type": "TEXT",
                        "content": f"http|{time.time()}",
                        "temporaryId": f"http-{self.seed}-{n}",
                    },
                ),
            ]
            for method, path, body in calls:
                self.requests += 1
                started = time.perf_counter()
                try:
                    response = session.request(
                        method, self.url + path, json=body, headers=auth(user), timeout=15
                    )
                except requests.RequestException as exc:
                    self.errors.append(f"http {type(exc).__name__}")
                    continue
                route = f"{method} {path.split('?')[0]}"
                elapsed = (time.perf_counter() - started) * 1000
                self.timings.setdefault(route, []).append(elapsed)
                if response.status_code >= 300:
                    self.errors.append(f"http {response.status_code} {path}")
                elif method == "POST":
                    self.acked.append((response.json()["data"]["messageId"], cid, user))
            time.sleep(0.2)


def stored_ids(url: str, cid: str, member: str) -> Counter[str]:
    ids: Counter[str] = Counter()
    cursor = None
    while True:
        params: dict[str, Any] = {"conversationId": cid, "limit": 100}
        if cursor:
            params["cursor"] = cursor
        page = requests.get(f"{url}/messages", params=params, headers=auth(member), timeout=30)
        assert page.status_code == 200, page.text
        data = page.json()["data"]
        ids.update(m["messageId"] for m in data["messages"])
        if not data["hasMore"]:
            return ids
        cursor = data["nextCursor"]


def test_soak_sockets_and_http(server: tuple[ServiceProcess, str], redis_url: str) -> None:
    chat, prefix = server
    users = [uuid.uuid4().hex[:24] for _ in range(CLIENTS)]
    cache = UserCache(redis.Redis.from_url(redis_url), prefix=f"{prefix}user:profile:")
    cache.set_many({"id": u, "nom": "Soak", "prenom": u[:6], "matricule": u[:8]} for u in users)
    groups = make_groups(chat.url, users)
    member_of = [(u, cid) for cid, members in groups.items() for u in members]
    ctx = multiprocessing.get_context("spawn")
    ready, out = ctx.Queue(), ctx.Queue()
    start_at = time.time() + 25  # connections first (spawned interpreters, 200 handshakes)
    deadline = start_at + SECONDS
    chunks = [member_of[i::PROCESSES] for i in range(PROCESSES)]
    workers = [
        ctx.Process(
            target=run_clients,
            args=(chat.url, chunk, SECRET, start_at, deadline, RATE, 5.0, ready, out),
        )
        for chunk in chunks
    ]
    for worker in workers:
        worker.start()
    connected = sum(ready.get(timeout=60) for _ in workers)
    assert time.time() < start_at, "clients took too long to connect; raise the head start"
    time.sleep(max(0.0, start_at - time.time()))
    http = [HttpTraffic(chat.url, groups, deadline, seed) for seed in range(HTTP_THREADS)]
    for thread in http:
        thread.start()
    results = [out.get(timeout=SECONDS + 120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    for thread in http:
        thread.join(timeout=30)

    acked = [tuple(a) for r in results for a in r["acked"]] + [a for t in http for a in t.acked]
    errors = [e for r in results for e in r["errors"]] + [e for t in http for e in t.errors]
    latencies = sorted(x for r in results for x in r["latencies_ms"])
    deliveries = Counter(tuple(x) for r in results for x in r["received"])
    received = set(deliveries)
    stored: Counter[str] = Counter()
    for cid, members in groups.items():
        stored.update(stored_ids(chat.url, cid, members[0]))
    acked_ids = {m for m, _, _ in acked}
    lost = len(acked_ids - set(stored))  # acknowledged, not in history
    duplicates = sum(count - 1 for count in stored.values() if count > 1)  # in history twice
    duplicate_deliveries = sum(count - 1 for count in deliveries.values() if count > 1)
    expected = {(u, m) for m, cid, sender in acked for u in groups[cid] if u != sender}
    lost_deliveries = len(expected - received)
    socket_acked = sum(len(r["acked"]) for r in results)
    figures = {
        "soak_clients": connected,
        "soak_seconds": SECONDS,
        "soak_msgs_per_s": round(len(acked) / SECONDS, 1),
        "soak_socket_msgs_per_s": round(socket_acked / SECONDS, 1),
        "soak_deliveries_per_s": round(len(received) / SECONDS, 1),
        "soak_p50_ms": round(statistics.median(latencies), 1) if latencies else -1,
        "soak_p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1) if latencies else -1,
        "soak_errors": len(errors),
        "soak_lost_messages": lost,
        "soak_duplicate_messages": duplicates,
        "soak_lost_deliveries": lost_deliveries,
        "soak_duplicate_deliveries": duplicate_deliveries,
        "soak_http_requests": sum(t.requests for t in http),
    }
    record_figures(**{f"{name}_postgres": value for name, value in figures.items()})
    for route in sorted({r for t in http for r in t.timings}):
        times = sorted(x for t in http for x in t.timings.get(route, []))
        print(
            f"soak http {route}: n={len(times)} p50={statistics.median(times):.0f} ms "
            f"max={times[-1]:.0f} ms"
        )
    print(
        f"soak: errors sample {Counter(errors).most_common(5)}; lost deliveries {lost_deliveries}"
    )
    assert connected == CLIENTS
    assert acked, "nothing was sent"
    assert figures["soak_errors"] == 0, Counter(errors).most_common(5)
    assert len(acked_ids) == len(acked), "two sends were acknowledged with the same message id"
    assert lost == 0, f"{lost} acknowledged messages are not in history"
    assert duplicates == 0, f"{duplicates} messages are in history more than once"
    assert lost_deliveries == 0, f"{lost_deliveries} deliveries to connected members missed"
    assert duplicate_deliveries == 0, f"{duplicate_deliveries} messages delivered twice"
