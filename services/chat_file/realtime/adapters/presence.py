"""`RedisPresence`: connected devices per user, shared by every chat_file process.

One sorted set per user, `<prefix>presence:devices:<userId>`: member = socket id, score = the
time (epoch seconds) until which the device counts as alive. Each process refreshes the scores
of its own sockets every `ttl / 3` seconds (`refresh`), so the devices of a process that died
without saying goodbye stop counting after `ttl` seconds and are pruned on the next read or
write of that user. Each change is one MULTI/EXEC round trip (prune, change, count), so two
devices connecting at once on two processes see counts 1 and 2, never 1 and 1.

Activity (for `user_idle` and `lastSeen`): `<prefix>presence:seen:<userId>` holds the epoch
of the user's last activity seen by any process, `<prefix>presence:idle:<userId>` exists while
the user is announced idle (set with NX, so one process announces it).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import redis

DEFAULT_TTL = 60
SEEN_TTL = 7 * 24 * 3600  # how long a last activity time is remembered


class RedisPresence:
    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str = "",
        ttl: int = DEFAULT_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        self._redis = client
        self.prefix = prefix
        self.ttl = ttl
        self._clock = clock

    def devices_key(self, user_id: str) -> str:
        return f"{self.prefix}presence:devices:{user_id}"

    def device_connected(self, user_id: str, device_id: str) -> int:
        """Count the device in; returns the user's live device count including it."""
        now = self._clock()
        key = self.devices_key(user_id)
        pipe = self._redis.pipeline(transaction=True)
        pipe.zremrangebyscore(key, "-inf", now)
        pipe.zadd(key, {device_id: now + self.ttl})
        pipe.zcard(key)
        pipe.expire(key, self.ttl)
        return int(pipe.execute()[2])

    def device_disconnected(self, user_id: str, device_id: str) -> int:
        """Count the device out; returns how many live devices the user still has."""
        key = self.devices_key(user_id)
        pipe = self._redis.pipeline(transaction=True)
        pipe.zrem(key, device_id)
        pipe.zremrangebyscore(key, "-inf", self._clock())
        pipe.zcard(key)
        return int(pipe.execute()[2])

    def online(self, user_ids: Iterable[str]) -> set[str]:
        """Which of these users have a live device now: one pipelined round trip."""
        ids = list(dict.fromkeys(user_ids))
        if not ids:
            return set()
        now = self._clock()
        pipe = self._redis.pipeline(transaction=False)
        for user_id in ids:
            pipe.zcount(self.devices_key(user_id), f"({now}", "+inf")
        return {u for u, count in zip(ids, pipe.execute(), strict=True) if count}

    def refresh(self, devices: Iterable[tuple[str, str]]) -> None:
        """Keep this process's devices alive: `(user_id, device_id)` pairs, one round trip."""
        pairs = list(devices)
        if not pairs:
            return
        until = self._clock() + self.ttl
        pipe = self._redis.pipeline(transaction=False)
        for user_id, device_id in pairs:
            key = self.devices_key(user_id)
            pipe.zadd(key, {device_id: until}, xx=True)
            pipe.expire(key, self.ttl)
        pipe.execute()

    def seen_key(self, user_id: str) -> str:
        return f"{self.prefix}presence:seen:{user_id}"

    def idle_key(self, user_id: str) -> str:
        return f"{self.prefix}presence:idle:{user_id}"

    def touch(self, user_id: str, at: float) -> bool:
        """Record activity at `at` (epoch s); True if the user was announced idle."""
        pipe = self._redis.pipeline(transaction=True)
        pipe.set(self.seen_key(user_id), at, ex=SEEN_TTL)
        pipe.delete(self.idle_key(user_id))
        return bool(pipe.execute()[1])

    def last_seen(self, user_ids: Iterable[str]) -> dict[str, float]:
        """Last activity (epoch s) of the users who have one: one round trip."""
        ids = list(dict.fromkeys(user_ids))
        values = self._redis.mget([self.seen_key(u) for u in ids]) if ids else []
        return {u: float(v) for u, v in zip(ids, values, strict=True) if v is not None}

    def mark_idle(self, user_ids: Iterable[str]) -> list[str]:
        """Flag the users idle; returns those not flagged before (to announce once)."""
        ids = list(dict.fromkeys(user_ids))
        if not ids:
            return []
        pipe = self._redis.pipeline(transaction=False)
        for user_id in ids:
            pipe.set(self.idle_key(user_id), 1, nx=True, ex=SEEN_TTL)
        return [u for u, fresh in zip(ids, pipe.execute(), strict=True) if fresh]

    def states(self, user_ids: Iterable[str]) -> dict[str, tuple[bool, bool, float | None]]:
        """`(online, idle, last activity)` per user: one pipelined round trip."""
        ids = list(dict.fromkeys(user_ids))
        if not ids:
            return {}
        now = self._clock()
        pipe = self._redis.pipeline(transaction=False)
        for user_id in ids:
            pipe.zcount(self.devices_key(user_id), f"({now}", "+inf")
            pipe.exists(self.idle_key(user_id))
            pipe.get(self.seen_key(user_id))
        answers = pipe.execute()
        return {
            u: (bool(answers[3 * i]), bool(answers[3 * i + 1]), _epoch(answers[3 * i + 2]))
            for i, u in enumerate(ids)
        }


def _epoch(value: bytes | str | None) -> float | None:
    return None if value is None else float(value)
