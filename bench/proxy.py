"""Throughput through nginx (deploy/): one chat_file process behind the proxy, then two.

Each configuration is the deploy/cluster.py cluster on free loopback ports (nginx with cookie
stickiness, auth_user, chat_file under gunicorn gevent sharing the Redis message queue), each
round on a fresh PostgreSQL database of its own (so no round works on a bigger table than
another). Senders in CLIENT_PROCESSES processes each run SENDERS_PER_PROCESS Socket.IO clients
over WebSocket through nginx; every client sends `sendMessage` to its own partner and waits for
the ack before the next one, for SECONDS. Each client has no route cookie, so nginx spreads them
over the backends as it would spread browsers; halfway through every two-backend round each
chat_file process is asked (its own /metrics, not through nginx) how many sockets it holds, and
the round is refused unless both serve some.

PAIRS paired rounds, interleaved: pair i runs one backend then two, or two then one (ABBA), so
drift in the machine's load falls on both sides; the ratio is taken within each pair.
- proxy_two_backends_vs_one_msgs_per_s: the median of the per-pair ratios;
- proxy_one_backend_msgs_per_s / proxy_two_backends_msgs_per_s: the medians of each side
  (acknowledged messages per second, summed over clients / SECONDS);
- proxy_two_backends_min_backend_sockets: the fewest sockets one of the two backends held in
  any two-backend round (above 0: both served traffic).
On a machine with two cores shared with the clients, nginx, PostgreSQL and Redis, the second
process can only use what the others leave free.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import redis
import requests
import socketio

from deploy.cluster import Cluster, ProxyConfig
from libs.usercache import UserCache
from services.chat_file.kernel.limits import user_limits_off_env
from tests.support.databases import postgres_database
from tests.support.proxy import delete_prefix
from tests.support.servers import free_port
from tests.support.tokens import mint

SECRET = "bench-proxy-secret-0123456789abcdef-0123456789"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CLIENT_PROCESSES = 2
SENDERS_PER_PROCESS = 8
SECONDS = float(os.environ.get("BENCH_PROXY_SECONDS", "10"))
PAIRS = int(os.environ.get("BENCH_PROXY_PAIRS", "4"))


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


def _measure(cluster: Cluster, pairs: list[Pair]) -> tuple[float, list[int]]:
    """Acknowledged messages per second, and the sockets each backend held halfway through."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    start_at = time.time() + 3  # every process spawned and imported before the clock runs
    processes = [
        context.Process(
            target=_client_process, args=(cluster.url, pairs[i::CLIENT_PROCESSES], start_at, out)
        )
        for i in range(CLIENT_PROCESSES)
    ]
    for process in processes:
        process.start()
    time.sleep(max(0.0, start_at + SECONDS / 2 - time.time()))  # the middle of the run
    sockets = [_sockets_on(port) for port in cluster.proxy.chat_ports]
    total = sum(out.get(timeout=SECONDS + 120) for _ in processes)
    for process in processes:
        process.join(30)
    return total / SECONDS, sockets


def _sockets_on(port: int) -> int:
    """`chat_socket_connections` of the chat_file process on `port`, asked directly."""
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    found = re.search(r"^chat_socket_connections(?:\{[^}]*\})? ([0-9.e+]+)$", text, re.M)
    if found is None:
        raise RuntimeError(f"no chat_socket_connections on :{port}")
    return int(float(found.group(1)))


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
        **user_limits_off_env(),  # the per-user limits too (#23)
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


def _round(backends: int, prefix: str, pairs: list[Pair]) -> tuple[float, list[int]]:
    """One configuration on a fresh database: msgs/s and sockets per backend."""
    with (
        postgres_database() as database_url,
        tempfile.TemporaryDirectory(prefix="bench-nginx-") as run_dir,
    ):
        cluster = _cluster(backends, Path(run_dir), database_url, prefix).start()
        try:
            return _measure(cluster, pairs)
        finally:
            cluster.stop()


def run() -> dict[str, float | int]:
    prefix = f"bench:proxy:{uuid.uuid4().hex[:8]}:"
    one: list[float] = []
    two: list[float] = []
    ratios: list[float] = []
    fewest = 10**9
    try:
        pairs = _users(prefix)
        for index in range(PAIRS):
            order = (1, 2) if index % 2 == 0 else (2, 1)
            rates: dict[int, float] = {}
            for backends in order:
                rates[backends], sockets = _round(backends, prefix, pairs)
                print(
                    f"   pair {index}: {backends} backend(s) {rates[backends]:.1f} msgs/s, "
                    f"sockets per backend {sockets}",
                    flush=True,
                )
                if backends == 2:
                    if min(sockets) == 0:
                        raise RuntimeError(f"one backend served no socket: {sockets}")
                    fewest = min(fewest, min(sockets))
            one.append(rates[1])
            two.append(rates[2])
            ratios.append(rates[2] / rates[1])
    finally:
        delete_prefix(REDIS_URL, prefix)
    print(f"   ratios per pair: {[round(r, 3) for r in ratios]}", flush=True)
    return {
        "proxy_one_backend_msgs_per_s": round(statistics.median(one), 1),
        "proxy_two_backends_msgs_per_s": round(statistics.median(two), 1),
        "proxy_two_backends_vs_one_msgs_per_s": round(statistics.median(ratios), 3),
        "proxy_two_backends_min_backend_sockets": fewest,
    }


if __name__ == "__main__":
    print(run(), file=sys.stdout)
