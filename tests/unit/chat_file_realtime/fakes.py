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

    def events(self) -> list[str]:
        return [e[0] for e in self.sent]


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
