"""`install_socketio`: the client events on the hub's Socket.IO server (built and bound to the
app by the composition root), and the session guard."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask

from libs.sessions import RevocationMirror
from services.chat_file.kernel.limits import UserLimits
from services.chat_file.realtime.api import HandlerGroup
from services.chat_file.realtime.socket.connection import ConnectionEvents
from services.chat_file.realtime.socket.hub import RealtimeHub
from services.chat_file.realtime.socket.namespace import ChatNamespace
from services.chat_file.realtime.socket.session_guard import install_session_guard


def install_socketio(
    app: Flask,
    hub: RealtimeHub,
    connection: ConnectionEvents,
    groups: Iterable[HandlerGroup],
    mirror: RevocationMirror,
    limits: UserLimits | None = None,
) -> RealtimeHub:
    """The connection's and the groups' events on the hub's server; revoked or expired sessions
    (`mirror`) close their sockets. `app.extensions["realtime"]` is the hub."""
    hub.socketio.on_namespace(ChatNamespace(connection, groups, hub.sessions, limits))
    install_session_guard(hub, mirror)
    app.extensions["realtime"] = hub
    if "metrics" in app.extensions:
        app.extensions["metrics"].gauge(
            "chat_socket_connections",
            "Authenticated Socket.IO connections on this process",
            lambda: [({}, float(len(hub.sessions)))],
        )
    return hub
