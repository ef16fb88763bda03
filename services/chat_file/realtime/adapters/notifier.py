"""`SocketIONotifier`: the core's `Notifier` port on Flask-SocketIO, plus user-room delivery.

The one place the use cases' user ids become Socket.IO rooms (`user_<id>`, `realtime.user_room`).
`notify` sends one event to the rooms of a list of users in one emit (one publish on the
message queue when several processes share it; each socket gets it once). `to_users` is the
presence/typing sink: the same rooms, and it may skip the sending socket.
Before the server is bound to an app (a process without sockets: the push worker, a script)
there is no socket to tell, and nothing is sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from services.chat_file.kernel.notifier import Encoder
from services.chat_file.realtime.adapters.socketio import user_room


def plain(event: str, payload: object) -> dict[str, Any]:
    """The encoder of processes whose events are plain mappings already."""
    if not isinstance(payload, dict):
        raise TypeError(f"{event}: no encoder for {type(payload).__name__}")
    return payload


class SocketIONotifier:
    def __init__(self, socketio: Any, encode: Encoder = plain) -> None:
        self._socketio = socketio
        self._encode = encode

    def notify(self, event: str, payload: object, user_ids: list[str]) -> None:
        """`payload` in its wire shape (the encoder the composition root gave)."""
        self.to_users(event, self._encode(event, payload), user_ids)

    def to_users(
        self,
        event: str,
        payload: dict[str, Any],
        user_ids: Iterable[str],
        skip_sid: str | None = None,
    ) -> None:
        rooms = [user_room(u) for u in dict.fromkeys(user_ids) if u]
        if rooms and self._socketio.server is not None:
            self._socketio.emit(event, payload, to=rooms, skip_sid=skip_sid)
