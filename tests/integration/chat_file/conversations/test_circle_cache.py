"""`RedisCircleCache` on real Redis: a circle round-trips with its TTL, forgetting leaves a
tombstone, and a circle read before a membership change cannot be written back after it (one
read after the change is cached at once)."""

from __future__ import annotations

import redis

from bench.roundtrips import RoundTrips, counting_client
from services.chat_file.conversations.adapters.circles import (
    FORGOTTEN_SECONDS,
    RedisCircleCache,
)
from services.chat_file.conversations.application.circles import CacheRead
from services.chat_file.conversations.domain.model import Circle

OLD = Circle(("c1", "c2"), frozenset({"a", "b"}))
NEW = Circle(("c1",), frozenset({"a"}))


def test_a_circle_round_trips_with_its_ttl(redis_client: redis.Redis, key_prefix: str) -> None:
    cache = RedisCircleCache(redis_client, key_prefix, ttl=120)
    missed = cache.get("a")
    assert missed == CacheRead(None, "")
    cache.put("a", OLD, missed.version)
    assert cache.get("a") == CacheRead(OLD)
    assert 0 < redis_client.ttl(f"{key_prefix}circle:a") <= 120


def test_forgetting_is_one_round_trip_for_many_users(
    redis_client: redis.Redis, redis_url: str, key_prefix: str
) -> None:
    cache = RedisCircleCache(counting_client(redis_url), key_prefix)
    cache.put("a", OLD, ""), cache.put("b", OLD, "")
    with RoundTrips() as forgetting:
        cache.forget(["a", "b", "a", ""])
    assert forgetting.count == 1
    assert (cache.get("a").circle, cache.get("b").circle) == (None, None)
    assert 0 < redis_client.ttl(f"{key_prefix}circle:a") <= FORGOTTEN_SECONDS


def test_a_circle_read_before_a_change_is_not_written_back_after_it(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    cache = RedisCircleCache(redis_client, key_prefix)
    before = cache.get("a")  # a connect misses and reads OLD from the store...
    cache.forget(["a"])  # ...meanwhile a membership change is written and forgotten...
    cache.put("a", OLD, before.version)  # ...then the connect writes what it read
    after = cache.get("a")
    assert after.circle is None  # refused: the old circle did not come back
    cache.put("a", NEW, after.version)  # a read that began after the forget is kept
    assert cache.get("a") == CacheRead(NEW)
    cache.put("a", OLD, after.version)  # and nothing overwrites a cached circle
    assert cache.get("a") == CacheRead(NEW)
