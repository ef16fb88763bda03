"""`LocalProfiles`: the in-process (L1) map of profiles in front of the Redis hashes.

Bounded LRU with a TTL ceiling. It only serves while `active` (the invalidation listener is
subscribed); every invalidation and every flush bumps a sequence number so a fetch that was in
flight when its key changed cannot store the value it read (`begin()` → `store(token, …)`).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping

from .model import CachedUser

_Entry = tuple[float, CachedUser]
DEFAULT_L1_SIZE = 10_000
DEFAULT_L1_TTL = 300.0  # seconds: a ceiling; invalidations normally drop entries much sooner


class LocalProfiles:
    def __init__(
        self,
        max_size: int = DEFAULT_L1_SIZE,
        ttl: float = DEFAULT_L1_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_size <= 0 or ttl <= 0:
            raise ValueError("max_size and ttl must be positive")
        self.max_size = max_size
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._seq = 0  # bumped by every invalidation and flush
        self._flushed_at = 0  # the sequence number of the last flush
        self._changed: dict[str, int] = {}  # key → sequence of its last invalidation
        self._in_flight = 0
        self.active = False  # serve and store only while invalidations are being received
        self.stats = dict.fromkeys(("hits", "misses", "invalidations", "flushes"), 0)

    def lookup(self, keys: Iterable[str]) -> tuple[dict[str, CachedUser], list[str]]:
        """(fresh entries by key, keys to fetch); nothing is served while inactive."""
        keys = list(keys)
        if not self.active:
            return {}, keys
        found: dict[str, CachedUser] = {}
        missing: list[str] = []
        now = self._clock()
        entries = self._entries
        with self._lock:
            for key in keys:
                entry = entries.get(key)
                if entry is not None and entry[0] > now:
                    entries.move_to_end(key)
                    found[key] = entry[1]
                else:
                    missing.append(key)
            self.stats["hits"] += len(found)
            self.stats["misses"] += len(missing)
        return found, missing

    def begin(self) -> int:
        """Before reading Redis: a token for `store()`; pair every call with `end()`."""
        with self._lock:
            self._in_flight += 1
            return self._seq

    def end(self) -> None:
        with self._lock:
            self._in_flight -= 1
            if self._in_flight <= 0:
                self._in_flight = 0
                self._changed.clear()

    def store(self, token: int, users: Mapping[str, CachedUser]) -> None:
        """Keep what a fetch read, except keys invalidated (or a flush) since `begin()`."""
        if not self.active or not users:
            return
        expires = self._clock() + self.ttl
        with self._lock:
            if self._flushed_at > token:
                return
            changed = self._changed
            for key, user in users.items():
                if changed.get(key, -1) <= token:
                    self._entries[key] = (expires, user)
                    self._entries.move_to_end(key)
            while len(self._entries) > self.max_size:
                self._entries.popitem(last=False)

    def invalidate(self, keys: Iterable[str]) -> None:
        with self._lock:
            self._seq += 1
            for key in keys:
                self._entries.pop(key, None)
                if self._in_flight:
                    self._changed[key] = self._seq
                self.stats["invalidations"] += 1

    def flush(self) -> None:
        with self._lock:
            self._seq += 1
            self._flushed_at = self._seq
            self._entries.clear()
            self.stats["flushes"] += 1

    def __len__(self) -> int:
        return len(self._entries)


def local_profiles(enabled: bool, max_size: int, ttl: float) -> LocalProfiles | None:
    """The L1 a service's settings ask for (`USER_CACHE_L1*`), or none."""
    return LocalProfiles(max_size, ttl) if enabled else None
