"""`RevocationMirror`: this process's copy of the revocation watermarks, checked per request.

A user watermark `W` revokes every session of the user authenticated at or before `W` (ms);
a session watermark revokes every token of that session. Tokens carry `sid` (the session) and
`auth_ms` (when the session logged in; `iat` for tokens without it). The mirror is filled by
`RevocationListener` and read with no I/O: the per-request check is a dictionary lookup.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

USER = "user"
SESSION = "session"


class Verdict(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    STALE = "stale"  # the mirror is older than the configured limit (fail-closed setting)


@dataclass(frozen=True)
class Revocation:
    kind: str  # USER or SESSION
    id: str
    at_ms: int
    reason: str = ""

    def covers(self, user_id: str, session_id: str | None, auth_ms: int) -> bool:
        if self.kind == SESSION:
            return session_id == self.id
        return user_id == self.id and auth_ms <= self.at_ms


class RevocationMirror:
    """Thread-safe for one writer (the listener) and many readers (requests, sockets)."""

    def __init__(
        self,
        max_staleness: float = 0,
        clock: Callable[[], float] = time.time,
        keep_seconds: float = 86_400,
    ) -> None:
        self._users: dict[str, int] = {}
        self._sessions: dict[str, int] = {}
        self._subscribers: list[Callable[[Revocation], object]] = []
        self._lock = threading.Lock()
        self._clock = clock
        self._max_staleness = max_staleness
        self._keep_ms = int(keep_seconds * 1000)
        self._stale_since: float | None = clock()  # nothing loaded yet
        self.synced_once = False

    def check(self, user_id: str, session_id: str | None, auth_ms: int) -> Verdict:
        if self._max_staleness and self.staleness() > self._max_staleness:
            return Verdict.STALE
        if session_id is not None and session_id in self._sessions:
            return Verdict.REVOKED
        watermark = self._users.get(user_id)
        if watermark is not None and auth_ms <= watermark:
            return Verdict.REVOKED
        return Verdict.VALID

    def replace(self, users: Mapping[str, int], sessions: Mapping[str, int]) -> None:
        """The whole state, read from Redis after (re)subscribing: the mirror is fresh.

        What this process already knew is kept (for `keep_seconds`, longer than any access
        token lives): a Redis that came back empty must not bring revoked tokens back."""
        horizon = int(self._clock() * 1000) - self._keep_ms
        with self._lock:
            self._users = _union(self._users, users, horizon)
            self._sessions = _union(self._sessions, sessions, horizon)
            self._stale_since = None
            self.synced_once = True

    def apply(self, revocation: Revocation) -> None:
        with self._lock:
            target = self._users if revocation.kind == USER else self._sessions
            target[revocation.id] = max(target.get(revocation.id, 0), revocation.at_ms)
        for subscriber in list(self._subscribers):
            subscriber(revocation)

    def subscribe(self, subscriber: Callable[[Revocation], object]) -> None:
        """`subscriber(revocation)` runs for every revocation received (live sockets)."""
        self._subscribers.append(subscriber)

    def mark_stale(self) -> None:
        with self._lock:
            if self._stale_since is None:
                self._stale_since = self._clock()

    @property
    def fresh(self) -> bool:
        return self._stale_since is None

    def following(self, grace: float = 2.0) -> bool:
        """For readiness: in step with Redis, or out of it for less than `grace` seconds (the
        first load at start-up, a reconnect)."""
        return self.staleness() <= grace

    def staleness(self) -> float:
        """Seconds since the mirror stopped following Redis; 0 while it follows."""
        since = self._stale_since
        return 0.0 if since is None else max(0.0, self._clock() - since)

    def status(self) -> dict[str, object]:
        """For /ready: following Redis or not, and for how long not."""
        return {
            "fresh": self.fresh,
            "staleSeconds": round(self.staleness(), 3),
            "failClosedAfter": self._max_staleness or None,
        }

    def __len__(self) -> int:
        return len(self._users) + len(self._sessions)


def _union(known: Mapping[str, int], loaded: Mapping[str, int], horizon: int) -> dict[str, int]:
    merged = {key: at for key, at in known.items() if at >= horizon}
    for key, at in loaded.items():
        merged[key] = max(merged.get(key, 0), at)
    return merged
