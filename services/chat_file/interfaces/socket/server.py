"""`install_socketio`: register the client events on the hub's Socket.IO server (built and
bound to the app by the composition root), start the session guard."""

from __future__ import annotations

from typing import Any

from flask import Flask

from .connection import register_connection_events
from .conversations import register_conversation_events
from .hub import RealtimeHub
from .loading import register_loading_events
from .messages import register_message_events
from .participants import register_participant_events
from .session_guard import install_session_guard


def install_socketio(app: Flask, chat: Any) -> RealtimeHub:
    """The events of `chat` (a `ChatServices`) on its hub's server; revoked or expired sessions
    close their sockets. `app.extensions["realtime"]` is the hub."""
    hub: RealtimeHub = chat.realtime
    register_connection_events(hub, chat)
    register_conversation_events(hub, chat)
    register_message_events(hub, chat)
    register_loading_events(hub, chat)
    register_participant_events(hub, chat)
    install_session_guard(hub, chat.verifier)
    app.extensions["realtime"] = hub
    if "metrics" in app.extensions:
        app.extensions["metrics"].gauge(
            "chat_socket_connections",
            "Authenticated Socket.IO connections on this process",
            lambda: [({}, float(len(hub.sessions)))],
        )
    return hub
