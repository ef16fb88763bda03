"""A clock for rate limiters in tests: real time until a test pauses it, then still."""

from __future__ import annotations

import time


class PausableClock:
    """`time.monotonic()` until `pause()`; then the paused instant until `resume()` or
    `advance(seconds)`. A rate-limit test pauses it so a slow machine cannot refill a bucket
    between two sends; the other tests of the same app see real time."""

    def __init__(self) -> None:
        self._paused: float | None = None

    def __call__(self) -> float:
        return time.monotonic() if self._paused is None else self._paused

    def pause(self) -> None:
        self._paused = time.monotonic()

    def advance(self, seconds: float) -> None:
        if self._paused is None:
            self.pause()
        assert self._paused is not None
        self._paused += seconds

    def resume(self) -> None:
        self._paused = None
