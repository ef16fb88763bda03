"""The send rate every transport shares: a token bucket per channel (a socket, or a user's
HTTP sends), `rate` per second on average with bursts up to `burst`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from services.chat_file.kernel.errors import SendRateLimitedError


@dataclass
class SendRateLimiter:
    """Token bucket per socket: `rate` sends per second on average, bursts up to `burst`."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    @classmethod
    def for_rate(cls, rate: float) -> SendRateLimiter:
        """`rate` sends a second (0 = off), bursts of twice that."""
        return cls(rate, burst=max(rate * 2, 1))

    def allow(self, key: str) -> bool:
        if self.rate <= 0:
            return True
        now = self.clock()
        tokens, last = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        return True

    def check(self, key: str) -> None:
        """`allow`, or RATE_LIMITED (`SOCKET_SEND_RATE` a second, bursts of twice that)."""
        if not self.allow(key):
            raise SendRateLimitedError()

    def forget(self, key: str) -> None:
        self._buckets.pop(key, None)
