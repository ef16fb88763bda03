"""chat_file core figures: the user-data path's counts and the cost of a history page.

Counts (deterministic; also asserted in tests/integration/chat_file/users/test_directory_redis.py):
- directory_miss_100_http_calls / _redis_roundtrips: 100 ids nobody cached → auth_user calls
  and Redis round trips (read + warming write);
- directory_stampede_200_http_calls: 200 threads look up one missing id at once;
- messages_page_50_redis_roundtrips / _auth_calls_warm: GET /messages (50 messages, 10 senders).
Throughput: messages_page_50_vs_flask_ceiling = req/s of an authenticated GET /messages (page
of 50, warm cache) ÷ req/s of the same app's bare JSON `/health`, same gunicorn process
(gevent worker), interleaved rounds, a keep-alive client with several threads. This figure is
on mongomock (`DATABASE_URL=mongomock://`); `bench/storage.py` measures the same ratio on
PostgreSQL and SQLite with a realistic amount of data.
"""

from __future__ import annotations

import http.client
import os
import statistics
import threading
import time
import uuid
from typing import Any

import jwt
import mongomock
import requests

from bench.roundtrips import RoundTrips, counting_client
from libs.usercache import UserCache
from services.chat_file.app import create_app
from services.chat_file.kernel.limits import no_user_limits
from services.chat_file.settings import Settings
from services.chat_file.users.adapters.auth_client import HttpAuthUserClient
from services.chat_file.users.application.directory import UserDirectory
from tests.fakes_chat import FakeAuthUserServer, demo_profile, seed_conversation
from tests.support.servers import ServiceProcess

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "bench-chat-core-secret-0123456789abcdef-0123"
IDS = [f"{n:024x}" for n in range(1, 101)]
ROUNDS = 5
SECONDS_PER_ROUND = 2.0
THREADS = 8


def token(user_id: str) -> str:
    now = int(time.time())
    claims = {"id": user_id, "iat": now, "exp": now + 3600, "type": "access", "jti": "b"}
    return jwt.encode(claims, SECRET, algorithm="HS256")


def _directory(prefix: str, server: FakeAuthUserServer) -> UserDirectory:
    client = counting_client(REDIS_URL)
    client.ping()
    return UserDirectory(UserCache(client, prefix=prefix), HttpAuthUserClient(server.url))


def _directory_figures(server: FakeAuthUserServer, prefix: str) -> dict[str, int]:
    directory = _directory(f"{prefix}miss:", server)
    before = server.calls
    with RoundTrips() as rt:
        directory.resolve_many(IDS)
    miss_calls = server.calls - before
    stampede = _directory(f"{prefix}stampede:", server)
    server.delay, before = 0.3, server.calls
    barrier = threading.Barrier(200)

    def lookup() -> None:
        barrier.wait()
        stampede.resolve(IDS[0])

    threads = [threading.Thread(target=lookup) for _ in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    server.delay = 0.0
    return {
        "directory_miss_100_http_calls": miss_calls,
        "directory_miss_100_redis_roundtrips": rt.count,
        "directory_stampede_200_http_calls": server.calls - before,
    }


def _page_counts(server: FakeAuthUserServer, prefix: str) -> dict[str, int]:
    settings = Settings(
        app_env="test",
        jwt_secret=SECRET,
        user_cache_prefix=f"{prefix}page:",
        auth_user_service_url=server.url,
        user_rates=no_user_limits(),  # the directory's round trips, not the limiter's one
    )
    redis_client = counting_client(REDIS_URL)
    app = create_app(settings, redis=redis_client, db=mongomock.MongoClient(tz_aware=True)["b"])
    cid = seed_conversation(app.extensions["chat"], IDS[:10], 50)
    client = app.test_client()
    url = f"/messages?conversationId={cid}&limit=50"
    headers = {"Authorization": f"Bearer {token(IDS[0])}"}
    client.get(url, headers=headers)
    before = server.calls
    with RoundTrips() as rt:
        assert len(client.get(url, headers=headers).get_json()["data"]["messages"]) == 50
    return {
        "messages_page_50_redis_roundtrips": rt.count,
        "messages_page_50_auth_calls_warm": server.calls - before,
    }


def request_rate(port: int, path: str, headers: dict[str, str], seconds: float) -> float:
    """Requests per second of THREADS keep-alive clients asking for `path` for `seconds`."""
    done = [0] * THREADS
    stop = time.monotonic() + seconds

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            assert response.status == 200, response.status
            done[n] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.monotonic() - started)


def interleaved_rates(
    port: int, routes: dict[str, tuple[str, dict[str, str]]], rounds: int = ROUNDS
) -> dict[str, float]:
    """Median req/s of each named (path, headers), measured in turn over several rounds, so a
    change of load on the machine weighs on every route alike."""
    samples: dict[str, list[float]] = {name: [] for name in routes}
    for _ in range(rounds):
        for name, (path, headers) in routes.items():
            samples[name].append(request_rate(port, path, headers, SECONDS_PER_ROUND))
    return {name: statistics.median(values) for name, values in samples.items()}


def service_env(prefix: str, auth_url: str, database_url: str) -> dict[str, str]:
    """Environment of a benchmarked chat_file process (quiet logs, its own cache prefix)."""
    return {
        "APP_ENV": "test",
        "JWT_SECRET": SECRET,
        "REDIS_URL": REDIS_URL,
        "USER_CACHE_PREFIX": f"{prefix}gunicorn:",
        "AUTH_USER_SERVICE_URL": auth_url,
        "DATABASE_URL": database_url,
        "ACCESS_LOG": "/dev/null",
        "LOG_LEVEL": "warning",
    }


def _throughput(server: FakeAuthUserServer, prefix: str) -> dict[str, float]:
    chat = ServiceProcess("chat_file", service_env(prefix, server.url, "mongomock://")).start()
    try:
        users = IDS[:10]
        auth = [{"Authorization": f"Bearer {token(u)}"} for u in users]
        created = requests.post(
            f"{chat.url}/groups", json={"name": "Bench", "members": users[1:]}, headers=auth[0]
        ).json()["data"]
        for n in range(50):
            body = {"conversationId": created["id"], "content": f"message {n} " + "x" * 80}
            requests.post(f"{chat.url}/messages", json=body, headers=auth[n % 10], timeout=5)
        page = f"/messages?conversationId={created['id']}&limit=50"
        assert len(requests.get(chat.url + page, headers=auth[0]).json()["data"]["messages"]) == 50
        rates = interleaved_rates(chat.port, {"page": (page, auth[0]), "bare": ("/health", {})})
        return {
            "messages_page_50_rps": round(rates["page"], 1),
            "flask_bare_json_rps": round(rates["bare"], 1),
            "messages_page_50_vs_flask_ceiling": round(rates["page"] / rates["bare"], 3),
        }
    finally:
        chat.stop()


def run() -> dict[str, Any]:
    server = FakeAuthUserServer({u: demo_profile(u, n) for n, u in enumerate(IDS)}).start()
    prefix = f"bench:{uuid.uuid4().hex[:8]}:"
    try:
        figures: dict[str, Any] = {}
        figures.update(_directory_figures(server, prefix))
        figures.update(_page_counts(server, prefix))
        figures.update(_throughput(server, prefix))
        return figures
    finally:
        server.stop()
        drop_keys(prefix)


def drop_keys(prefix: str) -> None:
    """Remove the Redis keys a bench run wrote under `prefix` (never anything else)."""
    cleaner = counting_client(REDIS_URL)
    keys = list(cleaner.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        cleaner.delete(*keys)
