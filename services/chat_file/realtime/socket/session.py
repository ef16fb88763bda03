"""Who is behind each socket of this process (set once authenticated, dropped at disconnect)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from services.chat_file.kernel.identity import Identity


class SocketSessions:
    def __init__(self) -> None:
        self._by_sid: dict[str, Identity] = {}
        self._lock = threading.Lock()
        self.on_activity: Callable[[Identity], None] | None = None

    def active(self, sid: str) -> Identity | None:
        """Who is behind `sid`, who just did something (`on_activity` is told)."""
        user = self._by_sid.get(sid)
        if user is not None and self.on_activity is not None:
            self.on_activity(user)
        return user

    def bind(self, sid: str, user: Identity) -> None:
        with self._lock:
            self._by_sid[sid] = user

    def get(self, sid: str) -> Identity | None:
        return self._by_sid.get(sid)

    def pop(self, sid: str) -> Identity | None:
        with self._lock:
            return self._by_sid.pop(sid, None)

    def items(self) -> list[tuple[str, Identity]]:
        """`(sid, identity)` of every authenticated socket of this process."""
        with self._lock:
            return list(self._by_sid.items())

    def devices(self) -> list[tuple[str, str]]:
        """`(user_id, sid)` of every authenticated socket of this process."""
        with self._lock:
            return [(user.user_id, sid) for sid, user in self._by_sid.items()]

    def identities(self) -> list[tuple[str, str]]:
        """`(user_id, matricule)` of every user with a socket on this process."""
        with self._lock:
            users = {user.user_id: user.matricule or user.user_id for user in self._by_sid.values()}
        return list(users.items())

    def __len__(self) -> int:
        return len(self._by_sid)
