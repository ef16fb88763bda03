"""The `Notifier` port: an event to every device of some users, once a write is persisted.
Conversations and push settings announce through it; the real-time context delivers it."""

from __future__ import annotations

from typing import Any, Protocol


class Notifier(Protocol):
    """Real-time fan-out after a write is persisted: the event to every device of each user
    (the adapter knows how its transport addresses them)."""

    def notify(self, event: str, payload: dict[str, Any], user_ids: list[str]) -> None: ...
