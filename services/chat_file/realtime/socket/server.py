"""`install_socketio`: the client events on the hub's Socket.IO server (built and bound to the
app by the composition root), and the session guard."""

from __future__ import annotations

from typing import Any

from flask import Flask

from services.chat_file.realtime.socket.hub import RealtimeHub
from services.chat_file.realtime.socket.namespace import ChatNamespace
from services.chat_file.realtime.socket.session_guard import install_session_guard


def install_socketio(app: Flask, chat: Any) -> RealtimeHub:
    """The events of `chat` (a `ChatServices`) on its hub's server; revoked or expired sessions
    close their sockets. `app.extensions["realtime"]` is the hub."""
    hub: RealtimeHub = chat.realtime
    hub.socketio.on_namespace(ChatNamespace(hub, chat))
    install_session_guard(hub, chat.verifier.mirror)
    app.extensions["realtime"] = hub
    if "metrics" in app.extensions:
        app.extensions["metrics"].gauge(
            "chat_socket_connections",
            "Authenticated Socket.IO connections on this process",
            lambda: [({}, float(len(hub.sessions)))],
        )
    return hub
