"""`RealtimeHub`: what the socket handlers share (use cases, sessions, presence, typing, limits).

Built once per app by the composition root (`realtime_root.build_realtime`); handlers reach it
through their namespace, never globals. Room names come from `rooms` (the Socket.IO adapter's
naming): this layer joins rooms, it does not spell them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from flask_socketio import join_room, leave_room

from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.rate import SendRateLimiter
from services.chat_file.realtime.api import MODERATORS_ROOM
from services.chat_file.realtime.application.activity import ActivityService
from services.chat_file.realtime.application.ports import Memberships
from services.chat_file.realtime.application.presence import PresenceService
from services.chat_file.realtime.application.typing import Scheduler, TypingService
from services.chat_file.realtime.socket.session import SocketSessions

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoomNames:
    """How the Socket.IO adapter names the room of a user and of a conversation."""

    user: Callable[[str], str]
    conversation: Callable[[str], str]
    moderators: str = MODERATORS_ROOM  # sockets of moderators and admins (`report:new`)


class Background(Protocol):
    """A loop started lazily, on the server's own concurrency."""

    def ensure_started(self) -> None: ...


class Startable(Protocol):
    def start(self) -> None: ...


class SocketRegistry(Protocol):
    """Every authenticated socket of each user, across processes (`SOCKETS_PER_USER`)."""

    def admitted(self, user_id: str, sid: str) -> list[str]:
        """Count `sid` in; the user's sockets beyond the cap, oldest first, to close."""
        ...

    def released(self, user_id: str, sid: str) -> None: ...


SESSION_REPLACED = "session:replaced"
REPLACED_MESSAGE = "Trop de connexions ouvertes : la plus ancienne est fermée"


class TooManyAnonymousSocketsError(Exception):
    """More sockets waiting to `authenticate` from one address than allowed."""


@dataclass
class RealtimeHub:
    socketio: Any
    memberships: Memberships
    rooms: RoomNames
    sessions: SocketSessions
    presence: PresenceService
    typing: TypingService
    limiter: SendRateLimiter
    keepalive: Background
    scheduler: Scheduler
    activity: ActivityService
    idle_watch: Background  # looks for idle users of this process
    revocation_feed: Startable | None = None  # follows revocations into the verifier's mirror
    # Connects (and disconnects) doing their store and presence work at once in this process;
    # the others wait their turn (SOCKET_CONNECT_CONCURRENCY). A reconnect storm then queues
    # here instead of draining the database pool and being refused with STORE_UNAVAILABLE.
    admission: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(4)
    )
    sockets: SocketRegistry | None = None  # SOCKETS_PER_USER across processes
    anonymous_per_ip: int = 0  # ANONYMOUS_SOCKETS_PER_IP in this process (0 = no cap)
    auth_grace: float = 30.0  # SOCKET_AUTH_GRACE: seconds to `authenticate` without a token
    _anonymous: dict[str, set[str]] = field(default_factory=dict)
    _anonymous_lock: threading.Lock = field(default_factory=threading.Lock)
    # rooms a user's sockets join beyond their own and their conversations' (the org unit
    # rooms announcements are emitted to: docs/announcements.md)
    extra_rooms: Callable[[str], list[str]] = lambda _user_id: []

    def admit(self, sid: str, user: Identity) -> list[str]:
        """An authenticated socket: join its rooms, count the device; returns conversation ids."""
        with self.admission:
            return self._admit(sid, user)

    def _admit(self, sid: str, user: Identity) -> list[str]:
        conversation_ids, contacts = self.memberships.rooms_and_contacts(user.user_id)
        join_room(self.rooms.user(user.user_id))
        if user.moderates:
            join_room(self.rooms.moderators)
        for conversation_id in conversation_ids:
            join_room(self.rooms.conversation(conversation_id))
        for room in self._extra_rooms(user.user_id):
            join_room(room)
        self.sessions.bind(sid, user)
        self._forget_anonymous(sid)
        if self.sockets is not None:
            for old in self.sockets.admitted(user.user_id, sid):
                self.replace_socket(old)
        try:
            self.presence.connected(user.user_id, sid, lambda: contacts, user.matricule)
            self.activity.active(user.user_id, lambda: contacts)
            self.keepalive.ensure_started()
            self.idle_watch.ensure_started()
        except Exception:  # presence is best effort: the socket works without it
            logger.exception("presence update failed at connect")
        return conversation_ids

    def _extra_rooms(self, user_id: str) -> list[str]:
        try:
            return self.extra_rooms(user_id)
        except Exception:  # best effort, like presence: the socket works without them
            logger.exception("extra rooms unavailable at connect")
            return []

    def release(self, sid: str) -> None:
        """A socket went away: stop its typing, count the device out."""
        user = self.sessions.pop(sid)
        self.limiter.forget(sid)
        self._forget_anonymous(sid)
        if user is None:
            return
        if self.sockets is not None:
            self.sockets.released(user.user_id, sid)
        self.typing.stop_all(user.user_id, sid)
        with self.admission:
            self._count_out(user, sid)

    def _count_out(self, user: Identity, sid: str) -> None:
        try:
            contacts = lambda: self.contacts(user.user_id)  # noqa: E731
            if self.presence.disconnected(user.user_id, sid, contacts, user.matricule):
                self.activity.gone(user.user_id)
        except Exception:
            logger.exception("presence update failed at disconnect")

    def record_activity(self, user: Identity) -> None:
        """Any event from an authenticated socket (best effort, like presence)."""
        try:
            self.activity.active(user.user_id, lambda: self.contacts(user.user_id))
        except Exception:
            logger.exception("activity update failed")

    def replace_socket(self, sid: str) -> None:
        """Past `SOCKETS_PER_USER`: tell the oldest socket `session:replaced`, then close it.
        On this process both go out directly (the event cannot arrive after the close); a
        socket of another process is told and closed through the message queue, in order."""
        body = {
            "code": "SESSION_REPLACED",
            "reason": "too_many_sockets",
            "message": REPLACED_MESSAGE,
        }
        local = self.sessions.get(sid) is not None
        try:
            server = self.socketio.server
            server.emit(SESSION_REPLACED, body, to=sid, namespace="/", ignore_queue=local)
            server.disconnect(sid, namespace="/", ignore_queue=local)
        except Exception:  # the socket may already be gone (or its process)
            logger.exception("closing replaced socket %s failed", sid)

    def admit_anonymous(self, sid: str, address: str) -> None:
        """A socket without a token (an old client that will `authenticate`): at most
        `anonymous_per_ip` of them wait at once per address on this process, each for
        `auth_grace` seconds."""
        with self._anonymous_lock:
            waiting = self._anonymous.setdefault(address, set())
            if self.anonymous_per_ip > 0 and len(waiting) >= self.anonymous_per_ip:
                if not waiting:
                    del self._anonymous[address]
                raise TooManyAnonymousSocketsError()
            waiting.add(sid)
        self.expect_authentication(sid, self.auth_grace)

    def _forget_anonymous(self, sid: str) -> None:
        with self._anonymous_lock:
            for address, waiting in list(self._anonymous.items()):
                if sid in waiting:
                    waiting.discard(sid)
                    if not waiting:
                        del self._anonymous[address]
                    return

    def expect_authentication(self, sid: str, within: float) -> None:
        """A socket that connected without a token has `within` seconds to `authenticate`."""

        def drop_if_anonymous() -> None:
            if self.sessions.get(sid) is None and self.socketio.server.manager.is_connected(
                sid, "/"
            ):
                self.socketio.server.disconnect(sid, namespace="/")

        self.scheduler.call_later(within, drop_if_anonymous)

    def contacts(self, user_id: str) -> set[str]:
        """Everyone who shares a conversation with the user."""
        return self.memberships.contacts_of(user_id)

    def participants(self, user: Identity, conversation_id: str) -> list[str]:
        """Participants of a conversation the user takes part in, else CONVERSATION_NOT_FOUND."""
        return self.memberships.participants_of(user, conversation_id)

    def typing_audience(self, user: Identity, conversation_id: str) -> list[str]:
        """Who sees the user typing there (BROADCAST_READ_ONLY for a broadcast's recipients)."""
        return self.memberships.typing_audience(user, conversation_id)

    def join(self, conversation_id: str) -> None:
        join_room(self.rooms.conversation(conversation_id))

    def leave(self, conversation_id: str) -> None:
        leave_room(self.rooms.conversation(conversation_id))
