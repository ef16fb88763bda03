"""`install_socketio`: bind Flask-SocketIO to the app, plug the notifier, register the events."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask
from flask_socketio import SocketIO

from services.chat_file.application.ports import NullNotifier
from services.chat_file.application.realtime import (
    PresenceService,
    SendRateLimiter,
    TypingService,
)
from services.chat_file.infrastructure.presence import RedisPresence
from services.chat_file.infrastructure.realtime import PresenceKeepAlive, SocketIOScheduler
from services.chat_file.infrastructure.socket_notifier import SocketIONotifier

from .connection import register_connection_events
from .conversations import register_conversation_events
from .hub import RealtimeHub
from .messages import register_message_events
from .session import SocketSessions
from .session_guard import install_session_guard

if TYPE_CHECKING:
    from services.chat_file.bootstrap import ChatServices


def install_socketio(app: Flask, chat: ChatServices) -> SocketIO:
    """Socket.IO on `app` (async mode and queue from settings); the services notify through it."""
    settings = chat.settings
    socketio = SocketIO()
    socketio.init_app(
        app,
        async_mode=settings.async_mode,
        message_queue=settings.socketio_message_queue or None,
        channel=f"{settings.redis_key_prefix}flask-socketio",
        cors_allowed_origins=same_origin_or(settings.allowed_origins),
        manage_session=False,
    )
    notifier = SocketIONotifier(socketio)
    if isinstance(chat.notifier, NullNotifier):  # a notifier passed to build() wins (tests)
        chat.attach_notifier(notifier)
    store = RedisPresence(chat.redis, prefix=settings.redis_key_prefix, ttl=settings.presence_ttl)
    sessions = SocketSessions()
    rate = settings.socket_send_rate
    scheduler = SocketIOScheduler(socketio)
    hub = RealtimeHub(
        socketio=socketio,
        chat=chat,
        sessions=sessions,
        presence=PresenceService(store, notifier),
        typing=TypingService(notifier, scheduler, settings.typing_timeout),
        limiter=SendRateLimiter(rate, burst=max(rate * 2, 1)),
        keepalive=PresenceKeepAlive(
            socketio, store.refresh, sessions.devices, interval=settings.presence_ttl / 3
        ),
        scheduler=scheduler,
    )
    register_connection_events(hub)
    register_conversation_events(hub)
    register_message_events(hub)
    install_session_guard(hub)  # revoked or expired sessions close their sockets
    app.extensions["realtime"] = hub
    app.extensions["socketio"] = socketio
    if "metrics" in app.extensions:
        app.extensions["metrics"].gauge(
            "chat_socket_connections",
            "Authenticated Socket.IO connections on this process",
            lambda: [({}, float(len(sessions)))],
        )
    return socketio


def same_origin_or(origins: Iterable[str]) -> Any:
    """Browsers may open sockets from chat_file's own origin (the console) or a listed one.

    Clients that send no Origin (mobile apps, python/node clients) are not concerned.
    """
    allowed = frozenset(origins)

    def check(origin: str | None, environ: dict[str, Any]) -> bool:
        host = environ.get("HTTP_HOST", "")
        return origin in allowed or origin in {f"http://{host}", f"https://{host}"}

    return check
