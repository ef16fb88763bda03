"""`ActivityService`: idle users (`user_idle`), their return (`user_online`), `lastSeen`.

Every event a socket sends is activity. The last activity time is shared by every process
through an `ActivityStore` (Redis); each process writes a user's activity at most every
`write_every` seconds and flushes what it has not written yet before it looks for idle users.
A user none of whose devices did anything for `idle_after` seconds is announced idle once
(the store flags them with NX), to the users who share a conversation with them; their next
activity anywhere clears the flag and announces `user_online` again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from services.chat_file.kernel.clock import iso_epoch
from services.chat_file.realtime.application.presence import Contacts, EventSink

MAX_WRITE_EVERY = 10.0  # seconds between two writes of one user's activity by one process


class ActivityStore(Protocol):
    def touch(self, user_id: str, at: float) -> bool:
        """Record activity; True if the user was flagged idle (the flag is cleared)."""
        ...

    def last_seen(self, user_ids: Iterable[str]) -> dict[str, float]: ...

    def mark_idle(self, user_ids: Iterable[str]) -> list[str]:
        """Flag the users idle; those not flagged before."""
        ...

    def states(self, user_ids: Iterable[str]) -> dict[str, tuple[bool, bool, float | None]]:
        """`(online, idle, last activity)` per user."""
        ...


class ActivityService:
    def __init__(
        self,
        store: ActivityStore,
        sink: EventSink,
        idle_after: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._sink = sink
        self.idle_after = idle_after
        self.write_every = min(MAX_WRITE_EVERY, idle_after / 10) if idle_after > 0 else 10.0
        self._clock = clock
        self._local: dict[str, tuple[float, float]] = {}  # user → (last activity, last write)
        self._lock = threading.Lock()

    def active(self, user_id: str, contacts: Contacts) -> None:
        """The user did something on this process (written now or at the next sweep)."""
        now = self._clock()
        with self._lock:
            written = self._local.get(user_id, (0.0, 0.0))[1]
            due = now - written >= self.write_every
            self._local[user_id] = (now, now if due else written)
        if due:
            self._write(user_id, now, contacts)

    def gone(self, user_id: str) -> None:
        """The user's last device left: lastSeen is now, and they are no longer idle."""
        with self._lock:
            self._local.pop(user_id, None)
        self._store.touch(user_id, self._clock())

    def sweep(self, users: Iterable[tuple[str, str]], contacts_of: Callable[[str], Any]) -> None:
        """`user_idle` for the `(user_id, matricule)` of this process quiet for `idle_after`."""
        if self.idle_after <= 0:
            return
        matricules = dict(users)
        self._flush(matricules, contacts_of)
        now = self._clock()
        stamp = iso_epoch(now)
        seen = self._store.last_seen(matricules)
        quiet = [u for u in matricules if now - seen.get(u, 0.0) >= self.idle_after]
        for user_id in self._store.mark_idle(quiet):
            payload = {"userId": user_id, "matricule": matricules[user_id], "timestamp": stamp}
            others = [u for u in contacts_of(user_id) if u != user_id]
            self._sink.to_users("user_idle", payload, others, None)

    def who_is_online(self, user_id: str, asked: list[str], contacts: Contacts) -> dict[str, Any]:
        """Of the asked contacts (default: all the user's contacts): `online` (ids with a live
        device), `users` (those online or idle: the old console shows it as the online list)
        and `contacts`, every one of them; entries `{userId, status, lastSeen}`, status online,
        idle or offline."""
        known = set(contacts()) - {user_id}
        wanted = sorted({u for u in asked if u in known} if asked else known)
        states = self._store.states(wanted)
        everyone = [
            {"userId": u, "status": _status(*states[u][:2]), "lastSeen": iso_epoch(states[u][2])}
            for u in wanted
        ]
        present = [entry for entry in everyone if entry["status"] != "offline"]
        return {
            "online": [u for u in wanted if states[u][0]],
            "users": present,
            "contacts": everyone,
        }

    def _flush(self, users: dict[str, str], contacts_of: Callable[[str], Any]) -> None:
        """Write the activity not written yet; forget users who left this process."""
        with self._lock:
            pending = {u: last for u, (last, written) in self._local.items() if last > written}
            for user_id, last in pending.items():
                self._local[user_id] = (last, last)
            for user_id in [u for u in self._local if u not in users]:
                del self._local[user_id]
        for user_id, last in pending.items():
            self._write(user_id, last, _bound(contacts_of, user_id))

    def _write(self, user_id: str, at: float, contacts: Contacts) -> None:
        if self._store.touch(user_id, at):
            payload = {"userId": user_id, "lastSeen": iso_epoch(at)}
            others = [u for u in contacts() if u != user_id]
            self._sink.to_users("user_online", payload, others, None)


def _bound(contacts_of: Callable[[str], Any], user_id: str) -> Contacts:
    return lambda: contacts_of(user_id)


def _status(online: bool, idle: bool) -> str:
    if not online:
        return "offline"
    return "idle" if idle else "online"
