"""Who is behind each socket of this process (set once authenticated, dropped at disconnect)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from libs.servicekit.i18n import DEFAULT_LOCALE, supported_locale
from services.chat_file.kernel.identity import Identity


class SocketSessions:
    def __init__(self) -> None:
        self._by_sid: dict[str, Identity] = {}
        self._locales: dict[str, str] = {}  # `auth.locale` given at connect, by sid
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

    def choose_locale(self, sid: str, asked: object) -> None:
        """The socket's `auth.locale` at connect (`fr`|`en`), which overrides the profile's."""
        locale = supported_locale(asked)
        if locale is not None:
            with self._lock:
                self._locales[sid] = locale

    def locale_of(self, sid: str) -> str:
        """The language of what this socket is told: `auth.locale`, else the user's profile
        `locale` (from the token), else French."""
        chosen = self._locales.get(sid)
        user = self._by_sid.get(sid)
        return chosen or (user.locale if user is not None else None) or DEFAULT_LOCALE

    def get(self, sid: str) -> Identity | None:
        return self._by_sid.get(sid)

    def pop(self, sid: str) -> Identity | None:
        with self._lock:
            self._locales.pop(sid, None)
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
