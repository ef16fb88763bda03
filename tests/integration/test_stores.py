"""Shared store connections: the Redis pool queues a burst instead of failing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from libs.servicekit.stores import connect_mongo, connect_redis


def test_burst_larger_than_the_pool_queues_instead_of_failing(
    redis_url: str, key_prefix: str
) -> None:
    client = connect_redis(redis_url, max_connections=4)
    client.set(f"{key_prefix}k", "v")

    def read(_: int) -> bytes | None:
        return client.blpop([f"{key_prefix}empty"], timeout=0.05) or client.get(f"{key_prefix}k")

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(read, range(64)))
    assert results == [b"v"] * 64


def test_dead_redis_fails_fast(key_prefix: str) -> None:
    import time

    import pytest
    import redis

    client = connect_redis("redis://127.0.0.1:1/0", timeout=0.3)
    started = time.monotonic()
    with pytest.raises(redis.ConnectionError):
        client.ping()
    assert time.monotonic() - started < 2


def test_empty_mongodb_uri_gives_an_in_process_database() -> None:
    db = connect_mongo("", "ngomna_test")
    db.items.insert_one({"_id": 1})
    assert db.items.count_documents({}) == 1
    assert db.name == "ngomna_test"
