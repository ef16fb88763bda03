"""SocketIOScheduler and PresenceKeepAlive over a fake SocketIO (tasks run inline, sleeps count)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import Any

from services.chat_file.realtime.adapters.socketio import PresenceKeepAlive, SocketIOScheduler


class Stop(Exception):
    pass


class InlineSocketIO:
    """`start_background_task` runs the task now; `sleep` records and stops after `max_sleeps`."""

    def __init__(self, max_sleeps: int = 100) -> None:
        self.sleeps: list[float] = []
        self.tasks = 0
        self.max_sleeps = max_sleeps

    def start_background_task(self, target: Callable[..., Any], *args: Any) -> None:
        self.tasks += 1
        with contextlib.suppress(Stop):
            target(*args)

    def sleep(self, seconds: float) -> None:
        if len(self.sleeps) >= self.max_sleeps:
            raise Stop
        self.sleeps.append(seconds)


def test_scheduler_sleeps_then_runs_and_survives_a_failing_task() -> None:
    sio = InlineSocketIO()
    ran: list[str] = []
    scheduler = SocketIOScheduler(sio)
    scheduler.call_later(2.5, lambda: ran.append("done"))

    def boom() -> None:
        raise RuntimeError("bug in a timer")

    scheduler.call_later(1, boom)  # logged, not raised
    assert ran == ["done"] and sio.sleeps == [2.5, 1]


def test_keepalive_refreshes_this_process_devices_every_interval_and_starts_once() -> None:
    sio = InlineSocketIO(max_sleeps=3)
    refreshed: list[list[tuple[str, str]]] = []

    def refresh(devices: Iterable[tuple[str, str]]) -> None:
        refreshed.append(list(devices))
        if len(refreshed) == 1:
            raise ConnectionError("redis blip")  # the loop goes on

    keepalive = PresenceKeepAlive(sio, refresh, lambda: [("u1", "sid-1")], interval=20)
    keepalive.ensure_started()
    keepalive.ensure_started()
    assert sio.tasks == 1
    assert sio.sleeps == [20, 20, 20]
    assert refreshed == [[("u1", "sid-1")]] * 3
