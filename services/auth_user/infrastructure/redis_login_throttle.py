"""`RedisLoginThrottle`: failed logins per (matricule, client IP) and per client IP, in Redis
so that every auth_user process sees the same counts.

`<prefix>login:pair:<ip>:<matricule>` is a hash {failures, until}: `until` (epoch seconds) is
when that pair may try again. `<prefix>login:ip:<ip>` counts the IP's failures in a fixed
window. A check reads both in one round trip; a failure counts in one (and, once the pair is
past its free failures, sets `until` in a second).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import redis

from ..domain.model import LoginLimits


class RedisLoginThrottle:
    def __init__(
        self,
        client: redis.Redis,
        limits: LoginLimits,
        *,
        prefix: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis = client
        self._limits = limits
        self._prefix = prefix
        self._clock = clock

    def wait(self, matricule: str, ip: str) -> float:
        pipe = self._redis.pipeline(transaction=False)
        pipe.hget(self._pair(matricule, ip), "until")
        pipe.get(self._ip(ip))
        pipe.pttl(self._ip(ip))
        until, ip_failures, ip_ttl_ms = pipe.execute()
        waits = [float(until or 0) - self._clock()]
        if int(ip_failures or 0) >= self._limits.per_ip:
            waits.append(max(int(ip_ttl_ms), 0) / 1000)
        return max(0.0, *waits)

    def failed(self, matricule: str, ip: str) -> None:
        pair, limits = self._pair(matricule, ip), self._limits
        pipe = self._redis.pipeline(transaction=True)
        pipe.hincrby(pair, "failures", 1)
        pipe.expire(pair, limits.forget_after)
        pipe.incr(self._ip(ip))
        pipe.expire(self._ip(ip), limits.window_seconds, nx=True)
        failures = int(pipe.execute()[0])
        backoff = limits.backoff(failures)
        if backoff > 0:
            pipe = self._redis.pipeline(transaction=True)
            pipe.hset(pair, "until", repr(self._clock() + backoff))
            pipe.expire(pair, max(limits.forget_after, int(backoff) + 1))
            pipe.execute()

    def succeeded(self, matricule: str, ip: str) -> None:
        self._redis.delete(self._pair(matricule, ip))

    def _pair(self, matricule: str, ip: str) -> str:
        return f"{self._prefix}login:pair:{ip}:{matricule}"

    def _ip(self, ip: str) -> str:
        return f"{self._prefix}login:ip:{ip}"
