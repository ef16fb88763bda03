"""Throughput through nginx (deploy/): one chat_file process behind the proxy, then two.

Each configuration is the deploy/cluster.py cluster on free loopback ports (nginx with cookie
stickiness, auth_user, chat_file under gunicorn gevent sharing the Redis message queue) on one
fresh PostgreSQL database. Senders in CLIENT_PROCESSES processes each run SENDERS_PER_PROCESS
Socket.IO clients over WebSocket through nginx; every client sends `sendMessage` to its own
partner and waits for the ack before the next one, for SECONDS. Each client has no route
cookie, so nginx spreads them over the backends as it would spread browsers.

- proxy_one_backend_msgs_per_s / proxy_two_backends_msgs_per_s: acknowledged messages per
  second (sum over clients / SECONDS), best of ROUNDS (3) interleaved rounds;
- proxy_two_backends_vs_one_msgs_per_s: their ratio (same run, same clients).
On a machine with two cores shared with the clients, nginx, PostgreSQL and Redis, the second
process can only use what the others leave free.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import redis
import socketio

from deploy.cluster import Cluster, ProxyConfig
from libs.usercache import UserCache
from tests.support.databases import postgres_database
from tests.support.proxy import delete_prefix
from tests.support.servers import free_port
from tests.support.tokens import mint

SECRET = "bench-proxy-secret-0123456789abcdef-0123456789"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CLIENT_PROCESSES = 2
SENDERS_PER_PROCESS = 8
SECONDS = float(os.environ.get("BENCH_PROXY_SECONDS", "10"))
ROUNDS = 3


Pair = tuple[str, str]


def _sender(url: str, pair: Pair, stop_at: float, counts: list[int], index: int) -> None:
    user, partner = pair
    client = socketio.Client(reconnection=False)
    client.connect(url, auth={"token": mint(user, SECRET, ttl=3600)}, transports=["websocket"])
    try:
        while time.time() < stop_at:
            ack = client.call(
                "sendMessage",
                {"receiverId": partner, "content": "bench", "type": "TEXT"},
                timeout=30,
            )
            if ack.get("success"):
                counts[index] += 1
    finally:
        client.disconnect()


def _client_process(url: str, pairs: list[Pair], start_at: float, out: Any) -> None:
    """Child: one sending thread per pair; reports the acknowledged count."""
    counts = [0] * len(pairs)
    time.sleep(max(0.0, start_at - time.time()))
    threads = [
        threading.Thread(target=_sender, args=(url, pair, start_at + SECONDS, counts, i))
        for i, pair in enumerate(pairs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(sum(counts))


def _measure(url: str, pairs: list[Pair]) -> float:
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    start_at = time.time() + 3  # every process spawned and imported before the clock runs
    processes = [
        context.Process(
            target=_client_process, args=(url, pairs[i::CLIENT_PROCESSES], start_at, out)
        )
        for i in range(CLIENT_PROCESSES)
    ]
    for process in processes:
        process.start()
    total = sum(out.get(timeout=SECONDS + 120) for _ in processes)
    for process in processes:
        process.join(30)
    return total / SECONDS


def _cluster(backends: int, run_dir: Path, database_url: str, prefix: str) -> Cluster:
    proxy = ProxyConfig(
        listen=f"127.0.0.1:{free_port()}",
        chat_ports=[free_port() for _ in range(backends)],
        auth_ports=[free_port()],
        run_dir=run_dir,
    )
    env = {
        **os.environ,
        "APP_ENV": "test",
        "JWT_SECRET": SECRET,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": prefix,
        "USER_CACHE_PREFIX": f"{prefix}user:profile:",
        "SOCKET_SEND_RATE": "0",
        "ACCESS_LOG": "/dev/null",
        "LOG_LEVEL": "warning",
    }
    return Cluster(proxy, env, auth_workers=1)


def _users(prefix: str) -> list[Pair]:
    """Sender/partner pairs whose profiles are in the shared cache (auth_user knows nobody)."""
    pairs = [
        (uuid.uuid4().hex[:24], uuid.uuid4().hex[:24])
        for _ in range(CLIENT_PROCESSES * SENDERS_PER_PROCESS)
    ]
    cache = UserCache(redis.Redis.from_url(REDIS_URL), prefix=f"{prefix}user:profile:")
    cache.set_many(
        [
            {"id": u, "nom": "Banc", "prenom": u[:6], "matricule": u[:8]}
            for pair in pairs
            for u in pair
        ]
    )
    return pairs


def _round(backends: int, database_url: str, prefix: str, pairs: list[Pair]) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-nginx-") as run_dir:
        cluster = _cluster(backends, Path(run_dir), database_url, prefix).start()
        try:
            return _measure(cluster.url, pairs)
        finally:
            cluster.stop()


def run() -> dict[str, float | int]:
    prefix = f"bench:proxy:{uuid.uuid4().hex[:8]}:"
    one: list[float] = []
    two: list[float] = []
    try:
        with postgres_database() as database_url:
            pairs = _users(prefix)
            for _ in range(ROUNDS):
                one.append(_round(1, database_url, prefix, pairs))
                two.append(_round(2, database_url, prefix, pairs))
    finally:
        delete_prefix(REDIS_URL, prefix)
    best_one, best_two = max(one), max(two)
    return {
        "proxy_one_backend_msgs_per_s": round(best_one, 1),
        "proxy_two_backends_msgs_per_s": round(best_two, 1),
        "proxy_two_backends_vs_one_msgs_per_s": round(best_two / best_one, 3),
    }


if __name__ == "__main__":
    print(run(), file=sys.stdout)
