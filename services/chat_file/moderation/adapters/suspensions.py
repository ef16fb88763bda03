"""`RedisSuspensions`: the suspended agents, one Redis set every process shares.

`ChatCommands` asks `is_suspended` on every write, so the answer comes from this process's copy
of the set, read again from Redis when it is older than `refresh` seconds (default 0.5): a
suspension made by any process is enforced by every process within that time (well inside the
issue's 1 s), at the cost of one `SMEMBERS` per process and half second, not one round trip
per write. The process that suspends sees it at once. If Redis does not answer, the last copy
stays in force (logged): writes go on as they did rather than fail.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import redis

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 0.5


class RedisSuspensions:
    def __init__(
        self,
        client: redis.Redis,
        prefix: str = "",
        refresh: float = REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._key = f"{prefix}moderation:suspended"
        self._refresh = refresh
        self._clock = clock
        self._copy: frozenset[str] = frozenset()
        self._read_at: float | None = None
        self._lock = threading.Lock()

    def suspend(self, user_id: str) -> None:
        self._client.sadd(self._key, user_id)
        self._reload()

    def lift(self, user_id: str) -> None:
        self._client.srem(self._key, user_id)
        self._reload()

    def suspended(self) -> list[str]:
        return sorted(self._reload())

    def is_suspended(self, user_id: str) -> bool:
        read_at = self._read_at
        if read_at is None or self._clock() - read_at >= self._refresh:
            try:
                self._reload()
            except redis.RedisError as exc:
                logger.warning("suspensions not refreshed (last copy kept): %s", exc)
                self._read_at = self._clock()  # try again after the next interval
        return user_id in self._copy

    def _reload(self) -> frozenset[str]:
        members = self._client.smembers(self._key)
        fresh = frozenset(m.decode() if isinstance(m, bytes) else str(m) for m in members)
        with self._lock:
            self._copy, self._read_at = fresh, self._clock()
        return fresh
