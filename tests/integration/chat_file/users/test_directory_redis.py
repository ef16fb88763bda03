"""UserDirectory against the real Redis (key_prefix namespace) and a fake auth_user over HTTP.

The hard invariants are counts, not timings: 100 misses = 1 HTTP call and ≤ 2 Redis round
trips; 200 concurrent lookups of one missing id = 1 HTTP call; a page of 50 messages = 1 Redis
round trip and, warm, 0 calls to auth_user.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import mongomock
import pytest

from bench.roundtrips import RoundTrips, counting_client
from libs.servicekit.settings import DEV_JWT_SECRET, DEV_SERVICE_SECRET
from libs.servicekit.stores import connect_redis
from libs.usercache import UNKNOWN_USER_NAME, UserCache
from services.chat_file.app import create_app
from services.chat_file.kernel.limits import no_user_limits
from services.chat_file.push.settings import PushSettings
from services.chat_file.settings import Settings
from services.chat_file.users.adapters.auth_client import HttpAuthUserClient
from services.chat_file.users.application.breaker import CircuitBreaker
from services.chat_file.users.application.directory import UserDirectory
from tests.fakes_chat import FakeAuthUserServer, demo_profile, seed_conversation
from tests.support.l1 import settled
from tests.unit.chat_file.fakes import bearer

IDS = [f"{n:024x}" for n in range(1, 101)]


@pytest.fixture
def auth_server() -> Iterator[FakeAuthUserServer]:
    server = FakeAuthUserServer({u: demo_profile(u, n) for n, u in enumerate(IDS)}).start()
    yield server
    server.stop()


def directory_for(redis_url: str, prefix: str, server: FakeAuthUserServer, **kw) -> UserDirectory:
    client = counting_client(redis_url)
    client.ping()  # connect now: the handshake is not a round trip of the lookup
    cache = UserCache(client, prefix=f"{prefix}user:profile:")
    return UserDirectory(
        cache, HttpAuthUserClient(server.url, timeout=5, service_secret=DEV_SERVICE_SECRET), **kw
    )


def test_100_misses_are_one_http_call_and_two_round_trips(redis_url, key_prefix, auth_server):
    directory = directory_for(redis_url, key_prefix, auth_server)
    with RoundTrips() as rt:
        result = directory.resolve_many(IDS)
    assert auth_server.calls == 1 and rt.count <= 2
    assert [r["userId"] for r in result] == IDS and result[5]["name"] == "Agent Nom5"
    with RoundTrips() as warm:
        directory.resolve_many(IDS)
    assert warm.count == 1 and auth_server.calls == 1


def test_200_concurrent_lookups_of_one_missing_id_make_one_call(redis_url, key_prefix, auth_server):
    auth_server.delay = 0.3
    directory = directory_for(redis_url, key_prefix, auth_server)
    barrier = threading.Barrier(200)
    names: list[str] = []

    def lookup() -> None:
        barrier.wait()
        names.append(directory.resolve(IDS[0])["name"])

    threads = [threading.Thread(target=lookup) for _ in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert auth_server.calls == 1 and set(names) == {"Agent Nom0"} and len(names) == 200


def test_unknown_ids_are_not_written_to_the_shared_cache(
    redis_url, key_prefix, auth_server, redis_client
):
    directory = directory_for(redis_url, key_prefix, auth_server)
    assert directory.resolve("ghost")["name"] == UNKNOWN_USER_NAME
    assert not redis_client.exists(f"{key_prefix}user:profile:ghost")
    assert redis_client.exists(f"{key_prefix}user:profile:{IDS[0]}") == 0
    directory.resolve(IDS[0])
    assert redis_client.ttl(f"{key_prefix}user:profile:{IDS[0]}") > 0


def test_redis_down_lookups_fall_back_to_http(auth_server):
    cache = UserCache(connect_redis("redis://127.0.0.1:1", timeout=0.5), prefix="x:")
    directory = UserDirectory(
        cache, HttpAuthUserClient(auth_server.url, service_secret=DEV_SERVICE_SECRET)
    )
    started = time.monotonic()
    assert directory.resolve(IDS[3])["name"] == "Agent Nom3"
    assert time.monotonic() - started < 2 and auth_server.calls == 1


def test_auth_user_down_answers_fallback_opens_breaker_and_recovers(
    redis_url, key_prefix, auth_server
):
    breaker = CircuitBreaker(failure_threshold=3, reset_seconds=0.5)
    directory = directory_for(redis_url, key_prefix, auth_server, breaker=breaker)
    auth_server.stop()
    started = time.monotonic()
    for uid in IDS[:10]:
        assert directory.resolve(uid)["name"] == UNKNOWN_USER_NAME
    assert time.monotonic() - started < 5
    assert directory.stats()["breaker_state"] == "open"
    assert directory.stats()["http_calls"] == 3  # then answered without calling
    auth_server.start()
    time.sleep(0.6)
    assert directory.resolve(IDS[0])["name"] == "Agent Nom0"
    assert directory.stats()["breaker_state"] == "closed"


@pytest.mark.parametrize(("l1", "round_trips"), [(False, 1), (True, 0)])
def test_messages_page_of_50_is_at_most_one_round_trip_and_no_auth_call_when_warm(
    redis_url, key_prefix, auth_server, l1, round_trips
):
    settings = Settings(
        app_env="test",
        jwt_secret=DEV_JWT_SECRET,
        user_cache_prefix=f"{key_prefix}user:profile:",
        auth_user_service_url=auth_server.url,
        user_cache_l1=l1,
        push=PushSettings(enabled=False),  # its outbox flushes to Redis from a thread
        user_rates=no_user_limits(),  # the per-user limit costs its own round trip (GCRA)
    )
    app = create_app(
        settings, redis=counting_client(redis_url), db=mongomock.MongoClient(tz_aware=True)["t"]
    )
    services = app.extensions["chat"]
    if l1:  # the L1 serves once its invalidation listener is subscribed
        services.adapters.cache.get_many(["warm-up"])
        deadline = time.monotonic() + 5
        while not services.adapters.cache.local.active and time.monotonic() < deadline:
            time.sleep(0.01)
    users = IDS[:10]
    cid = seed_conversation(services, users, 50)
    client = app.test_client()
    url = f"/messages?conversationId={cid}&limit=50"
    client.get(url, headers=bearer(users[0]))  # warms whatever the seeding did not
    if l1:
        settled(services.adapters.cache, users)
    calls = auth_server.calls
    with RoundTrips() as rt:
        response = client.get(url, headers=bearer(users[0]))
    page = response.get_json()["data"]
    assert len(page["messages"]) == 50 and page["messages"][0]["senderName"].startswith("Agent")
    assert rt.count == round_trips
    assert auth_server.calls == calls


def test_request_id_reaches_auth_user_on_a_cache_miss(redis_url, key_prefix, auth_server):
    settings = Settings(
        app_env="test",
        jwt_secret=DEV_JWT_SECRET,
        user_cache_prefix=f"{key_prefix}user:profile:",
        auth_user_service_url=auth_server.url,
    )
    app = create_app(settings, redis=counting_client(redis_url), db=mongomock.MongoClient()["t"])
    services = app.extensions["chat"]
    cid = seed_conversation(services, IDS[:2], 1)
    for user_id in IDS[:2]:
        services.directory.invalidate(user_id)
    auth_server.request_ids.clear()
    response = app.test_client().get(
        f"/messages?conversationId={cid}",
        headers={**bearer(IDS[0]), "X-Request-ID": "trace-42"},
    )
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "trace-42"
    assert auth_server.request_ids == ["trace-42"]
