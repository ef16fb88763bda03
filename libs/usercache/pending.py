"""`PendingInvalidations`: profile writes that did not reach Redis, retried until they land.

A write or delete that fails (Redis down) leaves the old hash in Redis, served for up to the
cache TTL. Its id is remembered in process memory and a background loop deletes those keys,
with exponential backoff, as soon as Redis answers again: readers then miss and reload the
profile from its owner, and the delete reaches every process's L1 as an invalidation.
Deleting (never re-writing) is always safe: a write that raced it only costs one miss.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable

import redis

logger = logging.getLogger(__name__)


class PendingInvalidations:
    def __init__(
        self,
        delete: Callable[[list[str]], object],
        *,
        first_delay: float = 0.1,
        max_delay: float = 2.0,
    ) -> None:
        self._delete = delete  # raises redis.RedisError while Redis is unreachable
        self._first_delay = first_delay
        self._max_delay = max_delay
        self._lock = threading.Lock()
        self._ids: dict[str, int] = {}  # id → how many failed writes it had
        self._running = False
        self._wake = threading.Event()
        self.replayed = 0

    def add(self, user_ids: Iterable[str]) -> None:
        with self._lock:
            for user_id in user_ids:
                self._ids[user_id] = self._ids.get(user_id, 0) + 1
            if self._running or not self._ids:
                return
            self._running = True
        threading.Thread(target=self._replay, name="usercache-pending", daemon=True).start()

    def __len__(self) -> int:
        return len(self._ids)

    def _replay(self) -> None:
        delay = self._first_delay
        while True:
            with self._lock:
                batch = dict(self._ids)
                if not batch:
                    self._running = False
                    return
            try:
                self._delete(list(batch))
            except redis.RedisError:
                self._wake.wait(delay)
                delay = min(delay * 2, self._max_delay)
                continue
            with self._lock:
                for user_id, failures in batch.items():  # a write that failed meanwhile stays
                    if self._ids.get(user_id) == failures:
                        del self._ids[user_id]
                self.replayed += len(batch)
            logger.info("user cache: %d pending invalidation(s) replayed", len(batch))
            delay = self._first_delay
