"""`LocalGcra`: the same algorithm in this process only (the fallback while Redis is down)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .rates import Rate

MAX_KEYS = 100_000  # beyond, keys whose state has run out are forgotten


class LocalGcra:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._tat: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, key: str, rate: Rate) -> float:
        """0 if a request under `key` is allowed now (and counted), else the seconds to wait."""
        now = self._clock()
        with self._lock:
            tat = max(self._tat.get(key, now), now)
            wait = tat + rate.interval - rate.period - now
            if wait > 1e-6:  # float rounding (a microsecond): a burst's last request is on time
                return wait
            self._tat[key] = tat + rate.interval
            if len(self._tat) > MAX_KEYS:
                self._forget_spent(now)
        return 0.0

    def _forget_spent(self, now: float) -> None:
        for key in [k for k, tat in self._tat.items() if tat <= now]:
            del self._tat[key]
