"""`RedisBlockIndex` on fakeredis over the fake block store: written through, either way, kept
while the other side still blocks, rebuilt from the database when its marker is gone, and the
database asked when Redis fails."""

from __future__ import annotations

from datetime import UTC, datetime

import fakeredis
import redis

from services.chat_file.moderation.adapters.block_index import RedisBlockIndex
from tests.fake_moderation_stores import FakeBlockStore

AT = datetime(2026, 5, 4, tzinfo=UTC)


def test_written_through_either_way_and_rebuilt_when_lost() -> None:
    client, store = fakeredis.FakeRedis(), FakeBlockStore()
    store.block("a", "old", AT)  # before the index existed
    index = RedisBlockIndex(client, store, prefix="unit-index:")
    index.warm()
    assert index.blocked_either_way("old", ["a", "b"]) == {"a"}
    store.block("a", "b", AT)
    index.added("a", "b")
    store.block("b", "a", AT)
    index.added("b", "a")
    assert index.blocked_either_way("b", ["a", "c"]) == {"a"}
    store.unblock("a", "b")
    index.removed("a", "b")  # b still blocks a: still hidden from each other
    assert index.blocked_either_way("a", ["b"]) == {"b"}
    store.unblock("b", "a")
    index.removed("b", "a")
    assert index.blocked_either_way("a", ["b"]) == set()
    client.flushdb()  # Redis lost its data (a fakeredis of this test's own)
    assert index.blocked_either_way("a", ["old", "b"]) == {"old"}  # rebuilt from the store
    assert index.has_blocked("a", "old") and index.blockers_of("old", ["a", "b"]) == {"a"}


class DownRedis(fakeredis.FakeRedis):
    def pipeline(self, *args: object, **kwargs: object) -> object:
        raise redis.ConnectionError("down")


def test_a_redis_failure_asks_the_database() -> None:
    store = FakeBlockStore()
    store.block("a", "b", AT)
    index = RedisBlockIndex(DownRedis(), store, prefix="unit-index-down:")
    assert index.blocked_either_way("b", ["a", "c"]) == {"a"}
    index.added("a", "c")  # logged, and the marker dropped: no exception
