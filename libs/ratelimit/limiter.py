"""`RateLimiter`: per-user limits shared by every process, in Redis, one round trip a check.

GCRA (the generic cell rate algorithm): one key per (action, user) holds the theoretical
arrival time of the next request; a Lua script reads it, decides and moves it in one atomic
step. Time comes from the Redis server (`TIME`), so every process of every host agrees on
it, unless a clock is injected (tests).

When Redis fails, the limiter **fails open to a local limit**: the same table is applied in
this process alone (so N processes admit at most N times the limit), the failure is logged
once per outage, every such decision is marked `local` for /metrics, and Redis is tried
again at most once per `recheck_every` seconds (a dead server costs its timeout once, not on
every request). Refusing everything
instead would turn a Redis outage into a chat outage, which the rest of the service avoids.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis

from .local import LocalGcra
from .rates import RateTable

logger = logging.getLogger(__name__)

# KEYS[1]: the (action, user) key. ARGV: now in seconds ("" = the server's clock), the
# interval between requests, the period (burst window). Returns "0" or the seconds to wait.
_GCRA = """
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local interval = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local wait = tat + interval - period - now
if wait > 1e-6 then return tostring(wait) end
local ttl = math.ceil((tat + interval - now) * 1000)
redis.call('SET', KEYS[1], string.format('%.6f', tat + interval), 'PX', ttl)
return '0'
"""


@dataclass(frozen=True)
class Decision:
    action: str
    allowed: bool
    retry_after: float = 0.0  # seconds until a request would be allowed (0 when allowed)
    local: bool = False  # decided in this process alone (Redis failed)

    @property
    def retry_after_seconds(self) -> int:
        """What `Retry-After` / `retryAfter` carry: whole seconds, at least 1 when refused."""
        return 0 if self.allowed else max(1, math.ceil(self.retry_after))


Observer = Callable[[Decision], None]


class RateLimiter:
    def __init__(
        self,
        client: redis.Redis,
        table: RateTable,
        *,
        prefix: str = "",
        clock: Callable[[], float] | None = None,
        fallback: LocalGcra | None = None,
        recheck_every: float = 1.0,
    ) -> None:
        self.table = table
        self._prefix = prefix
        self._clock = clock
        self._script = client.register_script(_GCRA)
        self._fallback = fallback or LocalGcra(clock or time.time)
        self._observers: list[Observer] = []
        self._recheck_every = recheck_every
        self._skip_redis_until: float | None = None  # monotonic; set while Redis is failing

    def observe(self, observer: Observer) -> None:
        """Call `observer(decision)` after every check (the /metrics counters)."""
        self._observers.append(observer)

    def check(self, action: str, user: str) -> Decision:
        """Count one `action` by `user`: allowed, or refused with the seconds to wait.
        An action whose rate is off is always allowed (and not counted)."""
        rate = self.table[action]  # KeyError: an action the table does not know is a bug
        if rate is None:
            return Decision(action, True)
        key = f"{self._prefix}ratelimit:{action}:{user}"
        now = "" if self._clock is None else repr(self._clock())
        decision = None
        if self._skip_redis_until is None or time.monotonic() >= self._skip_redis_until:
            try:
                wait = float(self._script(keys=[key], args=[now, rate.interval, rate.period]))
                decision = Decision(action, wait <= 0, max(wait, 0.0))
                self._recovered()
            except redis.RedisError as exc:
                self._failing(exc)
        if decision is None:
            wait = self._fallback.wait(key, rate)
            decision = Decision(action, wait <= 0, wait, local=True)
        for observer in self._observers:
            observer(decision)
        return decision

    def _failing(self, exc: redis.RedisError) -> None:
        if self._skip_redis_until is None:
            logger.warning("rate limits checked in this process only: Redis failed (%s)", exc)
        self._skip_redis_until = time.monotonic() + self._recheck_every

    def _recovered(self) -> None:
        if self._skip_redis_until is not None:
            self._skip_redis_until = None
            logger.warning("rate limits shared through Redis again")
