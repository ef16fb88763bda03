"""Waiting for the in-process profile cache (L1) to settle in tests that count round trips."""

from __future__ import annotations

import time

from bench.roundtrips import RoundTrips
from libs.usercache import UserCache


def settled(cache: UserCache, user_ids: list[str], timeout: float = 5.0) -> None:
    """Wait until the echoes of our own writes (BCAST invalidations, which arrive on the
    listener's connection some time after the write) have come and the ids stay in the L1."""
    deadline = time.monotonic() + timeout
    while True:
        cache.get_many(user_ids)
        with RoundTrips() as rt:
            cache.get_many(user_ids)
        if rt.count == 0:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the L1 did not settle within {timeout} s")
        time.sleep(0.005)
