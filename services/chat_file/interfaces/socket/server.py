"""`install_socketio`: bind Flask-SocketIO to the app, plug the notifier, register the events."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask
from flask_socketio import SocketIO
from socketio import RedisManager

from services.chat_file.application.activity import ActivityService
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
from .loading import register_loading_events
from .messages import register_message_events
from .participants import register_participant_events
from .session import SocketSessions
from .session_guard import install_session_guard

if TYPE_CHECKING:
    from services.chat_file.bootstrap import ChatServices


def queue_options(url: str, channel: str) -> dict[str, Any]:
    """Flask-SocketIO's queue arguments. It picks a manager by URL scheme and knows no
    `redis+sentinel://`, so that one gets python-socketio's RedisManager (which does) directly."""
    if url.startswith("redis+sentinel://"):
        return {"client_manager": RedisManager(url, channel=channel)}
    return {"message_queue": url or None, "channel": channel}


def install_socketio(app: Flask, chat: ChatServices) -> SocketIO:
    """Socket.IO on `app` (async mode and queue from settings); the services notify through it."""
    settings = chat.settings
    socketio = SocketIO()
    socketio.init_app(
        app,
        async_mode=settings.async_mode,
        **queue_options(settings.message_queue_url, f"{settings.redis_key_prefix}flask-socketio"),
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
    activity = ActivityService(store, notifier, settings.idle_timeout)
    hub = RealtimeHub(
        socketio=socketio,
        chat=chat,
        sessions=sessions,
        presence=PresenceService(store, notifier),
        typing=TypingService(
            notifier, scheduler, settings.typing_timeout, names=lambda u: display_name(chat, u)
        ),
        limiter=SendRateLimiter(rate, burst=max(rate * 2, 1)),
        keepalive=PresenceKeepAlive(
            socketio, store.refresh, sessions.devices, interval=settings.presence_ttl / 3
        ),
        scheduler=scheduler,
        activity=activity,
        idle_watch=PresenceKeepAlive(
            socketio,
            lambda users: activity.sweep(users, chat.conversations.contacts_of),
            sessions.identities,
            interval=sweep_interval(settings.idle_timeout),
        ),
    )
    sessions.on_activity = hub.record_activity
    register_connection_events(hub)
    register_conversation_events(hub)
    register_message_events(hub)
    register_loading_events(hub)
    register_participant_events(hub)
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


def display_name(chat: ChatServices, user_id: str) -> str:
    return str(chat.directory.resolve(user_id)["name"])


def sweep_interval(idle_timeout: float) -> float:
    """How often each process looks for idle users: a quarter of the timeout, 0.2 s..15 s."""
    return max(0.2, min(15.0, idle_timeout / 4)) if idle_timeout > 0 else 60.0


def same_origin_or(origins: Iterable[str]) -> Any:
    """Browsers may open sockets from chat_file's own origin (the console) or a listed one.

    Clients that send no Origin (mobile apps, python/node clients) are not concerned.
    """
    allowed = frozenset(origins)

    def check(origin: str | None, environ: dict[str, Any]) -> bool:
        host = environ.get("HTTP_HOST", "")
        return origin in allowed or origin in {f"http://{host}", f"https://{host}"}

    return check
