"""The `Notifier` port: an event to every device of some users, once a write is persisted.
Conversations and push settings announce through it; the real-time context delivers it. The
payload is the announcing context's typed result (or a plain mapping): the composition root
gives the real-time adapter the encoder that turns it into its wire shape."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol


class Notifier(Protocol):
    """Real-time fan-out after a write is persisted: the event to every device of each user
    (the adapter knows how its transport addresses them)."""

    def notify(self, event: str, payload: object, user_ids: list[str]) -> None: ...


Encoder = Callable[[str, object], dict[str, Any]]  # (event, payload) → its JSON payload


def encoder(*tables: Mapping[type, Callable[[Any], dict[str, Any]]]) -> Encoder:
    """One encoder from the contexts' tables (payload type → its wire shape); a plain mapping
    passes through, anything else is a bug (TypeError)."""
    views: dict[type, Callable[[Any], dict[str, Any]]] = {}
    for table in tables:
        views.update(table)

    def encode(event: str, payload: object) -> dict[str, Any]:
        if isinstance(payload, dict):
            return payload
        view = views.get(type(payload))
        if view is None:
            raise TypeError(f"no wire shape for {event} ({type(payload).__name__})")
        return view(payload)

    return encode
