"""`UserCache`: the shared Redis cache of user profiles (`user:profile:<id>` hashes)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import redis

from .local import LocalProfiles
from .model import HASH_FIELDS, CachedUser
from .pending import PendingInvalidations
from .tracking import InvalidationListener

logger = logging.getLogger(__name__)

ErrorPolicy = Literal["suppress", "raise"]
DEFAULT_PREFIX = "user:profile:"
DEFAULT_TTL = 604_800  # 7 days


class UserCacheError(Exception):
    """Redis failed and the cache was built with `on_error="raise"`."""


class UserCache:
    """Reads and writes user profiles; every Redis operation is one round trip.

    `on_error="suppress"` makes a Redis failure behave as a miss (reads) or a no-op (writes),
    logged once per incident; `on_error="raise"` raises `UserCacheError` instead. A write that
    failed is retried as a delete of the key until Redis takes it (`PendingInvalidations`).

    `local=LocalProfiles(...)` adds the in-process L1: hits are served from memory, only the
    rest is read from Redis, and an `InvalidationListener` keeps it true (no L1 without it);
    its connection counts as lost when a PING gets no answer within `health_interval` seconds.
    """

    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str = DEFAULT_PREFIX,
        ttl: int = DEFAULT_TTL,
        on_error: ErrorPolicy = "suppress",
        local: LocalProfiles | None = None,
        health_interval: float = 5.0,
    ) -> None:
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        self._redis = client
        self.prefix = prefix
        self.ttl = ttl
        self.on_error = on_error
        self._lock = threading.Lock()
        self._failing = False
        self.hits = 0
        self.misses = 0
        self.errors = 0
        self.local = local
        self._listener = (
            InvalidationListener(client, local, prefix, health_interval=health_interval)
            if local is not None
            else None
        )
        self._pending = PendingInvalidations(self._delete_now)

    def key(self, user_id: str) -> str:
        return f"{self.prefix}{user_id}"

    def get(self, user_id: str) -> CachedUser | None:
        return self.get_many([user_id]).get(user_id)

    def get_many(self, user_ids: Iterable[str]) -> dict[str, CachedUser]:
        """Cached profiles of the given ids (hits only): L1 hits from memory, the rest in one
        pipelined round trip (stored in the L1 unless invalidated while in flight)."""
        ids = list(dict.fromkeys(str(i) for i in user_ids if i))
        local = self.local
        if not ids:
            return {}
        if local is None or self._listener is None:
            return self._read(ids)
        self._listener.ensure_started()
        found, missing = local.lookup(ids)
        if missing:
            token = local.begin()
            try:
                fetched = self._read(missing)
                local.store(token, fetched)
            finally:
                local.end()
            found.update(fetched)
        return found

    def _read(self, ids: list[str]) -> dict[str, CachedUser]:
        """HMGET of the fixed field list: half the reply elements of HGETALL, no dict to build."""
        pipe = self._redis.pipeline(transaction=False)
        prefix = self.prefix
        for user_id in ids:
            pipe.execute_command("HMGET", prefix + user_id, *HASH_FIELDS)
        replies = self._run(pipe, default=None)
        if replies is None:
            self._count(0, len(ids))
            return {}
        found = {}
        for uid, values in zip(ids, replies, strict=True):
            user = CachedUser.from_fields(values)
            if user is not None:
                found[uid] = user
        self._count(len(found), len(ids) - len(found))
        return found

    def set(self, profile: CachedUser | Mapping[str, Any]) -> None:
        """HSET + EXPIRE of one profile, in one round trip."""
        self.set_many([profile])

    def set_many(self, profiles: Iterable[CachedUser | Mapping[str, Any]]) -> None:
        """Write many profiles (HSET + EXPIRE each) in one round trip."""
        users = [p if isinstance(p, CachedUser) else CachedUser.from_profile(p) for p in profiles]
        if not users:
            return
        pipe = self._redis.pipeline(transaction=False)
        for user in users:
            key = self.key(user.id)
            pipe.hset(key, mapping=user.to_hash())  # type: ignore[arg-type]
            pipe.expire(key, self.ttl)
        ids = [u.id for u in users]
        try:
            landed = self._run(pipe, default=None) is not None
        except UserCacheError:
            self._written(ids, False)
            raise
        self._written(ids, landed)

    def delete(self, *user_ids: str) -> int:
        """Remove profiles; returns how many existed."""
        if not user_ids:
            return 0
        try:
            deleted = int(self._delete_now(list(user_ids)))
        except redis.RedisError as exc:
            self._written(list(user_ids), False)
            self._failed(exc)
            return 0
        self._recovered()
        self._written(list(user_ids), True)
        return deleted

    def stats(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses, "errors": self.errors}

    def local_stats(self) -> dict[str, int]:
        """L1 hits, misses, invalidations, flushes (empty without an L1)."""
        return dict(self.local.stats) if self.local is not None else {}

    @property
    def pending(self) -> int:
        """Failed writes not yet replayed to Redis."""
        return len(self._pending)

    def close(self) -> None:
        """Stop the invalidation listener (the L1 stops serving)."""
        if self._listener is not None:
            self._listener.stop()

    def _delete_now(self, user_ids: list[str]) -> int:
        return int(self._redis.delete(*(self.key(u) for u in user_ids)))

    def _written(self, user_ids: list[str], landed: bool) -> None:
        """Our own L1 forgets these ids at once; a write that did not land is replayed."""
        if self.local is not None:
            self.local.invalidate(user_ids)
        if not landed:
            self._pending.add(user_ids)

    def _run(self, pipe: Any, *, default: Any) -> Any:
        try:
            replies = pipe.execute()
        except redis.RedisError as exc:
            self._failed(exc)
            return default
        self._recovered()
        return replies

    def _count(self, hits: int, misses: int) -> None:
        with self._lock:
            self.hits += hits
            self.misses += misses

    def _failed(self, exc: redis.RedisError) -> None:
        with self._lock:
            self.errors += 1
            first = not self._failing
            self._failing = True
        if self.on_error == "raise":
            raise UserCacheError(str(exc)) from exc
        if first:
            logger.warning("user cache unavailable, serving misses: %s", exc)

    def _recovered(self) -> None:
        if self._failing:
            with self._lock:
                self._failing = False
            logger.info("user cache available again")
