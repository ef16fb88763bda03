"""The `Notifier` port: an event to every device of some users, once a write is persisted.
Conversations and push settings announce through it; the real-time context delivers it. The
payload is the announcing context's typed result (or a plain mapping): the composition root
gives the real-time adapter the encoder that turns it into its wire shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class Notifier(Protocol):
    """Real-time fan-out after a write is persisted: the event to every device of each user
    (the adapter knows how its transport addresses them)."""

    def notify(self, event: str, payload: object, user_ids: list[str]) -> None: ...


Encoder = Callable[[str, object], dict[str, Any]]  # (event, payload) → its JSON payload
