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
        self.sessions.bind(sid, user)
        try:
            self.presence.connected(user.user_id, sid, lambda: contacts, user.matricule)
            self.activity.active(user.user_id, lambda: contacts)
            self.keepalive.ensure_started()
            self.idle_watch.ensure_started()
        except Exception:  # presence is best effort: the socket works without it
            logger.exception("presence update failed at connect")
        return conversation_ids

    def release(self, sid: str) -> None:
        """A socket went away: stop its typing, count the device out."""
        user = self.sessions.pop(sid)
        self.limiter.forget(sid)
        if user is None:
            return
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

    def join(self, conversation_id: str) -> None:
        join_room(self.rooms.conversation(conversation_id))

    def leave(self, conversation_id: str) -> None:
        leave_room(self.rooms.conversation(conversation_id))
