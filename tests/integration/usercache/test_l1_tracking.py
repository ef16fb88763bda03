"""The in-process L1 against the real Redis: served from memory, kept true by CLIENT TRACKING."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import fakeredis
import pytest
import redis

from bench.roundtrips import RoundTrips, counting_client
from libs.usercache import LocalProfiles, UserCache
from tests.support.l1 import settled


def profile(n: int, nom: str = "Dupont") -> dict[str, str]:
    return {"id": f"user{n}", "nom": f"{nom}{n}", "prenom": "Jean", "matricule": f"MAT{n}"}


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> float:
    """Seconds until `condition()` held; fails after `timeout` (a bound, not a sleep)."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(0.001)
    return time.monotonic() - started


def tracked(cache: UserCache) -> UserCache:
    cache.get_many(["warm-up"])  # starts the listener
    wait_until(lambda: cache.local is not None and cache.local.active)
    return cache


@pytest.fixture
def cache(redis_url: str, key_prefix: str) -> Iterator[UserCache]:
    local = LocalProfiles(max_size=100, ttl=60)
    cache = tracked(UserCache(counting_client(redis_url), prefix=f"{key_prefix}p:", local=local))
    yield cache
    cache.close()


def test_warm_lookups_are_served_from_memory_without_a_round_trip(cache: UserCache) -> None:
    cache.set_many([profile(1), profile(2)])
    settled(cache, ["user1", "user2"])
    with RoundTrips() as rt:
        found = cache.get_many(["user1", "user2", "user1"])
    assert rt.count == 0
    assert found["user1"].full_name == "Jean Dupont1"
    assert cache.local_stats()["hits"] >= 2


def test_only_the_l1_misses_are_read_from_redis_in_one_round_trip(cache: UserCache) -> None:
    cache.set_many([profile(n) for n in range(5)])
    settled(cache, ["user0", "user1"])
    with RoundTrips() as rt:
        found = cache.get_many([f"user{n}" for n in range(5)])
    assert rt.count == 1
    assert len(found) == 5


def test_a_write_by_another_client_reaches_the_l1(cache: UserCache, redis_url: str) -> None:
    cache.set(profile(1))
    assert cache.get("user1").full_name == "Jean Dupont1"  # type: ignore[union-attr]
    other = UserCache(redis.Redis.from_url(redis_url), prefix=cache.prefix)
    other.set(profile(1, nom="Martin"))
    wait_until(lambda: cache.local is not None and "user1" not in cache.local.lookup(["user1"])[0])
    assert cache.get("user1").full_name == "Jean Martin1"  # type: ignore[union-attr]
    assert cache.local_stats()["invalidations"] >= 1


def test_writes_through_the_library_drop_the_writers_own_entry_at_once(cache: UserCache) -> None:
    cache.set(profile(1))
    cache.get("user1")
    cache.set(profile(1, nom="Martin"))
    assert cache.get("user1").full_name == "Jean Martin1"  # type: ignore[union-attr]
    cache.delete("user1")
    assert cache.get("user1") is None


class RacingClient:
    """A client whose pipelines run `hook()` after Redis answered: a write lands meanwhile."""

    def __init__(self, real: redis.Redis, hook: Callable[[], None]) -> None:
        self._real, self.hook = real, hook

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def pipeline(self, transaction: bool = False) -> Any:
        return RacingPipeline(self._real.pipeline(transaction=transaction), self)


class RacingPipeline:
    def __init__(self, real: Any, owner: RacingClient) -> None:
        self._real, self._owner = real, owner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def execute(self) -> Any:
        replies = self._real.execute()
        hook, self._owner.hook = self._owner.hook, lambda: None
        hook()
        return replies


def test_an_invalidation_during_the_fetch_wins(redis_url: str, key_prefix: str) -> None:
    writer = UserCache(redis.Redis.from_url(redis_url), prefix=f"{key_prefix}p:")
    writer.set(profile(1))
    local = LocalProfiles(max_size=10, ttl=60)

    def rename_while_in_flight() -> None:
        seen = local.stats["invalidations"]
        writer.set(profile(1, nom="Martin"))
        wait_until(lambda: local.stats["invalidations"] > seen)  # the listener processed it

    client = RacingClient(redis.Redis.from_url(redis_url), lambda: None)
    cache = tracked(UserCache(client, prefix=writer.prefix, local=local))  # type: ignore[arg-type]
    client.hook = rename_while_in_flight
    try:
        assert cache.get("user1").full_name == "Jean Dupont1"  # type: ignore[union-attr]
        assert "user1" not in local.lookup(["user1"])[0]  # the stale read was not kept
        assert cache.get("user1").full_name == "Jean Martin1"  # type: ignore[union-attr]
    finally:
        cache.close()


def client_id(admin: redis.Redis, name: str) -> int:
    clients = [c for c in admin.client_list() if c.get("name") == name]
    return int(clients[0]["id"]) if clients else 0


def test_losing_the_listener_flushes_the_l1_and_tracking_comes_back(
    cache: UserCache, redis_client: redis.Redis
) -> None:
    cache.set(profile(1))
    cache.get("user1")
    listener = cache._listener
    assert listener is not None and cache.local is not None
    flushes, connections = cache.local_stats()["flushes"], listener.connected_count
    old_id = client_id(redis_client, listener.name)
    assert redis_client.client_kill_filter(_id=old_id) == 1
    wait_until(lambda: listener.connected_count > connections and cache.local.active)  # type: ignore[union-attr]
    assert cache.local_stats()["flushes"] >= flushes + 2  # on loss and again on reconnect
    assert client_id(redis_client, listener.name) not in (0, old_id)
    with RoundTrips() as rt:
        assert cache.get("user1").full_name == "Jean Dupont1"  # type: ignore[union-attr]
    assert rt.count == 1  # read again from Redis, then kept
    with RoundTrips() as rt:
        cache.get("user1")
    assert rt.count == 0


def test_no_l1_when_the_server_refuses_tracking(caplog: pytest.LogCaptureFixture) -> None:
    local = LocalProfiles(max_size=10, ttl=60)
    cache = UserCache(fakeredis.FakeRedis(), local=local)
    with caplog.at_level(logging.WARNING, logger="libs.usercache"):
        cache.set(profile(1))
        cache.get("user1")
        wait_until(lambda: cache._listener is not None and cache._listener.unsupported)
    assert "in-process cache off" in caplog.text
    assert cache.get("user1").full_name == "Jean Dupont1"  # type: ignore[union-attr]
    assert len(local) == 0 and not local.active
