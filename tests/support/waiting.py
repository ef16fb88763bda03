"""Bounded waits: poll a condition until it holds or a deadline passes (never a bare sleep)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(probe: Callable[[], T], timeout: float = 5.0, every: float = 0.01) -> T:
    """The first truthy result of `probe()`; AssertionError with the last one at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result or time.monotonic() >= deadline:
            assert result, f"still {result!r} after {timeout}s"
            return result
        time.sleep(every)
