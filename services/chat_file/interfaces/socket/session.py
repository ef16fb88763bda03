"""Who is behind each socket of this process (set once authenticated, dropped at disconnect)."""

from __future__ import annotations

import threading

from services.chat_file.domain.identity import Identity


class SocketSessions:
    def __init__(self) -> None:
        self._by_sid: dict[str, Identity] = {}
        self._lock = threading.Lock()

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

    def __len__(self) -> int:
        return len(self._by_sid)
