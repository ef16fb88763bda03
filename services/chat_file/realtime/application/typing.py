"""Typing indicators: `userTyping` / `userStoppedTyping`, stopped automatically after a
silence. Framework-free: the socket layer gives a `Scheduler` (run later) and the sink."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from services.chat_file.kernel.clock import utc_now_iso
from services.chat_file.realtime.application.presence import EventSink, other_users


class Scheduler(Protocol):
    def call_later(self, seconds: float, fn: Callable[[], None]) -> None: ...


@dataclass
class _Typing:
    participants: list[str]
    sid: str | None
    deadline: float
    name: str = ""
    announced: float = 0.0  # when start/refresh was last sent


class TypingService:
    """`userTyping` to the other participants; `userStoppedTyping` on stop or after `timeout`.

    Beside them, for old clients: `typing:indicator {status: start|refresh|stop}` and the
    Flutter app's `typing {userId, userName, conversationId, isTyping}`. One timer per (user,
    conversation) being typed in: a repeated `typing` pushes the deadline back (and sends a
    `refresh` at most every `timeout / 2`); the timer sleeps again until the deadline when it
    wakes up early.
    """

    def __init__(
        self,
        sink: EventSink,
        scheduler: Scheduler,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        names: Callable[[str], str] = str,
        now: Callable[[], str] = utc_now_iso,
    ) -> None:
        self._sink = sink
        self._scheduler = scheduler
        self.timeout = timeout
        self._clock = clock
        self._names = names
        self._now = now
        self._active: dict[tuple[str, str], _Typing] = {}
        self._lock = threading.Lock()

    def start(
        self, user_id: str, conversation_id: str, participants: Iterable[str], sid: str | None
    ) -> None:
        key = (user_id, conversation_id)
        others = other_users(participants, user_id)
        if self._extend(key, others, sid):
            return
        now = self._clock()
        entry = _Typing(others, sid, now + self.timeout, self._names(user_id), now)
        with self._lock:
            if key in self._active:  # a concurrent start won
                return
            self._active[key] = entry
        payload = {"userId": user_id, "conversationId": conversation_id}
        self._sink.to_users("userTyping", payload, others, sid)
        self._indicate(user_id, conversation_id, "start", entry)
        self._scheduler.call_later(self.timeout, lambda: self._expire(key, entry))

    def _extend(self, key: tuple[str, str], others: list[str], sid: str | None) -> bool:
        """Already typing: push the deadline back (refresh sent now and then); else False."""
        now = self._clock()
        with self._lock:
            entry = self._active.get(key)
            if entry is None:
                return False
            entry.participants, entry.sid, entry.deadline = others, sid, now + self.timeout
            refresh = now - entry.announced >= self.timeout / 2
            if refresh:
                entry.announced = now
        if refresh:
            self._indicate(*key, "refresh", entry)
        return True

    def _indicate(self, user_id: str, conversation_id: str, status: str, entry: _Typing) -> None:
        """The old clients' events: `typing:indicator` always, Flutter's `typing` on start/stop."""
        ref = {"conversationId": conversation_id, "userId": user_id}
        indicator = {**ref, "status": status, "timestamp": self._now()}
        self._sink.to_users("typing:indicator", indicator, entry.participants, entry.sid)
        if status != "refresh":
            flutter = {**ref, "userName": entry.name, "isTyping": status == "start"}
            self._sink.to_users("typing", flutter, entry.participants, entry.sid)

    def stop(self, user_id: str, conversation_id: str) -> bool:
        """Stop typing now; False if the user was not typing there."""
        with self._lock:
            entry = self._active.pop((user_id, conversation_id), None)
        if entry is None:
            return False
        payload = {"userId": user_id, "conversationId": conversation_id}
        self._sink.to_users("userStoppedTyping", payload, entry.participants, entry.sid)
        self._indicate(user_id, conversation_id, "stop", entry)
        return True

    def stop_all(self, user_id: str, sid: str) -> None:
        """A device went away: stop what it was typing."""
        with self._lock:
            keys = [k for k, e in self._active.items() if k[0] == user_id and e.sid == sid]
        for key in keys:
            self.stop(*key)

    def is_typing(self, user_id: str, conversation_id: str) -> bool:
        return (user_id, conversation_id) in self._active

    def _expire(self, key: tuple[str, str], entry: _Typing) -> None:
        with self._lock:
            if self._active.get(key) is not entry:
                return  # stopped (and maybe started again, with its own timer)
            remaining = entry.deadline - self._clock()
        if remaining > 0:
            self._scheduler.call_later(remaining, lambda: self._expire(key, entry))
        else:
            self.stop(*key)
