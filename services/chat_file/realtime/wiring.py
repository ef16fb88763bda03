"""The realtime context's part of the web app's composition root: the Socket.IO server (not
yet bound to an app), the presence store, the scheduler, the real-time services, the hub the
handlers share and realtime's own handler groups, from the configuration the root passes
(chat_file's `Settings` has every field `RealtimeConfig` names).

`create_app` binds the server with `socketio.init_app(app)`; nothing here touches an app.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import redis
from flask_socketio import SocketIO
from socketio import RedisManager

from libs.sessions import RedisRevocations, RevocationListener, RevocationMirror
from services.chat_file.kernel.rate import SendRateLimiter
from services.chat_file.realtime.adapters.notifier import SocketIONotifier
from services.chat_file.realtime.adapters.presence import RedisPresence
from services.chat_file.realtime.adapters.socketio import (
    PresenceKeepAlive,
    SocketIOScheduler,
    conversation_room,
    user_room,
)
from services.chat_file.realtime.adapters.sockets import RedisSocketRegistry
from services.chat_file.realtime.api import HandlerGroup
from services.chat_file.realtime.application.activity import ActivityService
from services.chat_file.realtime.application.ports import Memberships
from services.chat_file.realtime.application.presence import PresenceService
from services.chat_file.realtime.application.typing import TypingService
from services.chat_file.realtime.socket.connection import ConnectionEvents
from services.chat_file.realtime.socket.hub import RealtimeHub, RoomNames
from services.chat_file.realtime.socket.rooms import RoomEvents
from services.chat_file.realtime.socket.session import SocketSessions
from services.chat_file.realtime.socket.session_guard import SessionEvents
from services.chat_file.users.application.directory import UserDirectory
from services.chat_file.users.application.ports import TokenVerifier

ROOMS = RoomNames(user=user_room, conversation=conversation_room)


class RealtimeConfig(Protocol):
    @property
    def async_mode(self) -> str: ...
    @property
    def message_queue_url(self) -> str: ...
    @property
    def redis_key_prefix(self) -> str: ...
    @property
    def allowed_origins(self) -> tuple[str, ...]: ...
    @property
    def presence_ttl(self) -> int: ...
    @property
    def typing_timeout(self) -> float: ...
    @property
    def idle_timeout(self) -> float: ...
    @property
    def connect_concurrency(self) -> int: ...
    @property
    def sockets_per_user(self) -> int: ...
    @property
    def anonymous_sockets_per_ip(self) -> int: ...
    @property
    def socket_auth_grace(self) -> float: ...


def queue_options(url: str, channel: str) -> dict[str, Any]:
    """Flask-SocketIO's queue arguments. It picks a manager by URL scheme and knows no
    `redis+sentinel://`, so that one gets python-socketio's RedisManager (which does) directly."""
    if url.startswith("redis+sentinel://"):
        return {"client_manager": RedisManager(url, channel=channel)}
    return {"message_queue": url or None, "channel": channel}


def socketio_options(config: RealtimeConfig) -> dict[str, Any]:
    """`init_app` arguments: async mode, queue, allowed origins. (Given to the constructor, a
    `message_queue` would make a write-only server at once: `create_app` binds with these.)"""
    return {
        "async_mode": config.async_mode,
        **queue_options(config.message_queue_url, f"{config.redis_key_prefix}flask-socketio"),
        "cors_allowed_origins": same_origin_or(config.allowed_origins),
        "manage_session": False,
    }


def build_realtime(
    config: RealtimeConfig,
    socketio: SocketIO,
    client: redis.Redis,
    memberships: Memberships,
    directory: UserDirectory,
    revocations: RevocationListener | None,
    limiter: SendRateLimiter,
    extra_rooms: Callable[[str], list[str]] | None = None,
) -> RealtimeHub:
    """Presence, typing, activity and their background loops, over one Redis presence store;
    `extra_rooms(user_id)`: rooms a user's sockets also join (org units, for announcements)."""
    store = RedisPresence(client, prefix=config.redis_key_prefix, ttl=config.presence_ttl)
    sessions, sink = SocketSessions(), SocketIONotifier(socketio)
    scheduler = SocketIOScheduler(socketio)
    activity = ActivityService(store, sink, config.idle_timeout)
    names = lambda user_id: str(directory.resolve(user_id)["name"])  # noqa: E731
    hub = RealtimeHub(
        socketio=socketio,
        memberships=memberships,
        rooms=ROOMS,
        sessions=sessions,
        presence=PresenceService(store, sink),
        typing=TypingService(sink, scheduler, config.typing_timeout, names=names),
        limiter=limiter,
        keepalive=PresenceKeepAlive(
            socketio, store.refresh, sessions.devices, interval=config.presence_ttl / 3
        ),
        scheduler=scheduler,
        activity=activity,
        idle_watch=PresenceKeepAlive(
            socketio,
            lambda users: activity.sweep(users, memberships.contacts_of),
            sessions.identities,
            interval=sweep_interval(config.idle_timeout),
        ),
        revocation_feed=revocations,
        admission=threading.BoundedSemaphore(config.connect_concurrency),
        sockets=RedisSocketRegistry(
            client, prefix=config.redis_key_prefix, per_user=config.sockets_per_user
        ),
        anonymous_per_ip=config.anonymous_sockets_per_ip,
        auth_grace=config.socket_auth_grace,
        extra_rooms=extra_rooms or (lambda _user_id: []),
    )
    sessions.on_activity = hub.record_activity
    return hub


def revocation_feed(
    socketio: SocketIO,
    client: redis.Redis,
    revocations: RedisRevocations | None,
    mirror: RevocationMirror,
) -> RevocationListener | None:
    """Follows the revocation channel into the mirror, on the server's concurrency."""
    if revocations is None:
        return None
    return RevocationListener(client, revocations, mirror, spawn=socketio.start_background_task)


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


def socket_groups(
    hub: RealtimeHub, verifier: TokenVerifier, directory: UserDirectory
) -> tuple[ConnectionEvents, list[HandlerGroup]]:
    """Realtime's own socket events: the connection's, the session's, typing and rooms."""
    connection = ConnectionEvents(hub, verifier, directory)
    return connection, [SessionEvents(hub.sessions, verifier), RoomEvents(hub)]
