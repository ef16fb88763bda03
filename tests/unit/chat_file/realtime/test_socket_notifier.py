"""SocketIONotifier: the rooms of the users an event is for (one emit per event)."""

from __future__ import annotations

from typing import Any

from services.chat_file.realtime.adapters.notifier import SocketIONotifier


class RecordingSocketIO:
    def __init__(self, bound: bool = True) -> None:
        self.emits: list[tuple[str, Any, dict[str, Any]]] = []
        self.server = object() if bound else None  # None until `init_app`

    def emit(self, event: str, payload: Any, **kwargs: Any) -> None:
        self.emits.append((event, payload, kwargs))


def test_events_go_to_each_users_room_once_in_one_emit() -> None:
    sio = RecordingSocketIO()
    SocketIONotifier(sio).notify("newMessage", {"x": 1}, ["a", "b", "a"])
    assert sio.emits == [("newMessage", {"x": 1}, {"to": ["user_a", "user_b"], "skip_sid": None})]


def test_nothing_is_emitted_without_rooms_or_users() -> None:
    sio = RecordingSocketIO()
    notifier = SocketIONotifier(sio)
    notifier.notify("newMessage", {}, [])
    notifier.to_users("user_online", {}, [], None)
    assert sio.emits == []


def test_to_users_addresses_each_user_room_once_and_skips_the_given_socket() -> None:
    sio = RecordingSocketIO()
    SocketIONotifier(sio).to_users("userTyping", {"u": 1}, ["b", "c", "b", ""], "sid-1")
    assert sio.emits == [
        ("userTyping", {"u": 1}, {"to": ["user_b", "user_c"], "skip_sid": "sid-1"})
    ]


def test_nothing_is_sent_before_the_server_is_bound_to_an_app() -> None:
    sio = RecordingSocketIO(bound=False)
    SocketIONotifier(sio).notify("newMessage", {"x": 1}, ["user_a"])
    SocketIONotifier(sio).to_users("user_online", {}, ["a"], None)
    assert sio.emits == []
