"""Presence: `user_online` / `user_offline` on a user's first and last device (and the old
clients' `user_connected` / `user_disconnected` beside them).

Framework-free: the socket layer gives these classes an `EventSink` (emit to users) and a
`PresenceStore` (device counts shared by every process).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from services.chat_file.kernel.clock import utc_now_iso


class EventSink(Protocol):
    """Delivers one event to every device of the given users."""

    def to_users(
        self, event: str, payload: dict[str, Any], user_ids: Iterable[str], skip_sid: str | None
    ) -> None: ...


class PresenceStore(Protocol):
    """Connected devices per user, counted across processes."""

    def device_connected(self, user_id: str, device_id: str) -> int: ...

    def device_disconnected(self, user_id: str, device_id: str) -> int: ...

    def online(self, user_ids: Iterable[str]) -> set[str]: ...


Contacts = Callable[[], Iterable[str]]
# (today's event, the old clients' name for it), sent together
ONLINE = ("user_online", "user_connected")
OFFLINE = ("user_offline", "user_disconnected")


class PresenceService:
    """`user_online` when a user's first device connects, `user_offline` when the last leaves.

    Sent only to the users who share a conversation with them: `contacts()` is called only on
    those transitions (not for every device), so a connect usually costs no conversation query.
    """

    def __init__(
        self, store: PresenceStore, sink: EventSink, now: Callable[[], str] = utc_now_iso
    ) -> None:
        self._store = store
        self._sink = sink
        self._now = now

    def connected(
        self, user_id: str, device_id: str, contacts: Contacts, matricule: str | None = None
    ) -> bool:
        """Record the device; True (and `user_online` sent) if it is the user's first one."""
        if self._store.device_connected(user_id, device_id) != 1:
            return False
        self._announce(ONLINE, user_id, matricule, contacts)
        return True

    def disconnected(
        self, user_id: str, device_id: str, contacts: Contacts, matricule: str | None = None
    ) -> bool:
        """Forget the device; True (and `user_offline` sent) if it was the user's last one."""
        if self._store.device_disconnected(user_id, device_id) != 0:
            return False
        self._announce(OFFLINE, user_id, matricule, contacts)
        return True

    def _announce(
        self, names: tuple[str, str], user_id: str, matricule: str | None, contacts: Contacts
    ) -> None:
        """Today's event `{userId, lastSeen}` and the old clients' `{userId, matricule,
        timestamp}`, to the same audience (looked up once)."""
        now, audience = self._now(), other_users(contacts(), user_id)
        today, legacy = names
        self._sink.to_users(today, {"userId": user_id, "lastSeen": now}, audience, None)
        old = {"userId": user_id, "matricule": matricule, "timestamp": now}
        self._sink.to_users(legacy, old, audience, None)

    def online_contacts(self, user_id: str, asked: Iterable[str], contacts: Contacts) -> list[str]:
        """Who of `asked` (default: all the user's contacts) is online; contacts only."""
        known = set(contacts())
        wanted = [u for u in asked if u in known] if asked else list(known)
        return sorted(self._store.online(other_users(wanted, user_id)))


def other_users(user_ids: Iterable[str], me: str) -> list[str]:
    return sorted({u for u in user_ids if u and u != me})
