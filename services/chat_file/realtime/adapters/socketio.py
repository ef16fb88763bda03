"""Socket.IO plumbing for the real-time services: room names, a scheduler, presence keep-alive."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

logger = logging.getLogger(__name__)


USER_ROOM_PREFIX = "user_"


def user_room(user_id: str) -> str:
    return f"{USER_ROOM_PREFIX}{user_id}"


def conversation_room(conversation_id: str) -> str:
    return f"conversation_{conversation_id}"


class SocketIOScheduler:
    """`call_later` on the server's own concurrency (greenlet under gevent/eventlet)."""

    def __init__(self, socketio: Any) -> None:
        self._socketio = socketio

    def call_later(self, seconds: float, fn: Callable[[], None]) -> None:
        def run() -> None:
            self._socketio.sleep(seconds)
            try:
                fn()
            except Exception:
                logger.exception("scheduled real-time task failed")

        self._socketio.start_background_task(run)


class PresenceKeepAlive:
    """Refreshes this process's devices in the presence store every `interval` seconds.

    Started lazily by the first connection (never at import or app creation, so a forking
    server starts it in the worker that owns the sockets).
    """

    def __init__(
        self,
        socketio: Any,
        refresh: Callable[[Iterable[tuple[str, str]]], None],
        devices: Callable[[], list[tuple[str, str]]],
        interval: float,
    ) -> None:
        self._socketio = socketio
        self._refresh = refresh
        self._devices = devices
        self.interval = interval
        self.started = False

    def ensure_started(self) -> None:
        if not self.started:
            self.started = True
            self._socketio.start_background_task(self._loop)

    def _loop(self) -> None:
        while True:
            self._socketio.sleep(self.interval)
            try:
                self._refresh(self._devices())
            except Exception:
                logger.exception("presence refresh failed; devices may expire early")
