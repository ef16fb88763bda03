"""The push outbox while its Redis dies and comes back (a redis-server of the test's own)."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from services.chat_file.infrastructure.push_outbox import BufferedOutbox
from services.chat_file.infrastructure.push_queue import RedisPushQueue

from .support import OwnRedis


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    server = OwnRedis().start()
    yield server
    server.kill()


def wait_for(condition, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_events_wait_in_the_outbox_while_redis_is_down_then_reach_it(own_redis: OwnRedis) -> None:
    queue = RedisPushQueue(own_redis.client(), prefix="t:")
    outbox = BufferedOutbox(queue)
    outbox.message_stored({"messageId": "a"})
    wait_for(lambda: own_redis.client().xlen("t:push:events") == 1)
    # Redis frozen (SIGSTOP): a command sent to it would wait forever. The request path hands
    # the events over and returns all the same; then the server dies with them unsent.
    assert own_redis.proc is not None
    os.kill(own_redis.proc.pid, signal.SIGSTOP)
    stored = threading.Thread(
        target=lambda: [outbox.message_stored({"messageId": name}) for name in ("b", "c", "d")],
        daemon=True,
    )
    stored.start()
    stored.join(timeout=10)
    assert not stored.is_alive(), "the request path waited for a frozen Redis"
    own_redis.kill()
    wait_for(lambda: outbox.pending() == 3)
    own_redis.start()
    wait_for(lambda: own_redis.client().xlen("t:push:events") == 3)
    events = own_redis.client().xrange("t:push:events")
    assert [e[1][b"event"] for e in events] == [
        b'{"messageId": "b"}',
        b'{"messageId": "c"}',
        b'{"messageId": "d"}',
    ]
    assert outbox.pending() == 0 and outbox.dropped == 0
    outbox.stop()


def test_a_full_outbox_drops_and_counts(own_redis: OwnRedis) -> None:
    own_redis.kill()
    outbox = BufferedOutbox(RedisPushQueue(own_redis.client(), prefix="t:"), capacity=2)
    for name in "abcd":
        outbox.message_stored({"messageId": name})
    assert outbox.dropped == 2 and outbox.pending() <= 2
    outbox.stop()
