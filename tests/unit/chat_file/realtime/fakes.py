"""Fakes for the real-time ports (EventSink, PresenceStore, Scheduler)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


class FakeEventSink:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any], list[str], str | None]] = []

    def to_users(
        self, event: str, payload: dict[str, Any], user_ids: Iterable[str], skip_sid: str | None
    ) -> None:
        self.sent.append((event, payload, list(user_ids), skip_sid))

    def events(self, *names: str) -> list[str]:
        """Names of the events sent, in order (only `names` if given)."""
        return [e[0] for e in self.sent if not names or e[0] in names]


class FakePresenceStore:
    def __init__(self) -> None:
        self.devices: dict[str, set[str]] = {}

    def device_connected(self, user_id: str, device_id: str) -> int:
        self.devices.setdefault(user_id, set()).add(device_id)
        return len(self.devices[user_id])

    def device_disconnected(self, user_id: str, device_id: str) -> int:
        self.devices.get(user_id, set()).discard(device_id)
        return len(self.devices.get(user_id, set()))

    def online(self, user_ids: Iterable[str]) -> set[str]:
        return {u for u in user_ids if self.devices.get(u)}


class FakeActivityStore(FakePresenceStore):
    """Devices plus last activity and idle flags, like `RedisPresence`."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[str, float] = {}
        self.idle: set[str] = set()

    def touch(self, user_id: str, at: float) -> bool:
        self.seen[user_id] = at
        was_idle = user_id in self.idle
        self.idle.discard(user_id)
        return was_idle

    def last_seen(self, user_ids: Iterable[str]) -> dict[str, float]:
        return {u: self.seen[u] for u in user_ids if u in self.seen}

    def mark_idle(self, user_ids: Iterable[str]) -> list[str]:
        fresh = [u for u in dict.fromkeys(user_ids) if u not in self.idle]
        self.idle.update(fresh)
        return fresh

    def states(self, user_ids: Iterable[str]) -> dict[str, tuple[bool, bool, float | None]]:
        return {u: (bool(self.devices.get(u)), u in self.idle, self.seen.get(u)) for u in user_ids}


class FakeScheduler:
    """Runs nothing until `run_due(elapsed)` advances its clock."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pending: list[tuple[float, Callable[[], None]]] = []

    def call_later(self, seconds: float, fn: Callable[[], None]) -> None:
        self.pending.append((self.now + seconds, fn))

    def advance(self, seconds: float) -> None:
        self.now += seconds
        due = [p for p in self.pending if p[0] <= self.now]
        self.pending = [p for p in self.pending if p[0] > self.now]
        for _, fn in sorted(due, key=lambda p: p[0]):
            fn()
