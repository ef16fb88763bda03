"""Sockets end with their session: revoked (logout, password or role change, deactivation...)
or expired access token, unless the client handed a fresh one with `token:refresh`.

The revocation listener (`libs.sessions`) runs on the server's own concurrency (a greenlet
under gevent/eventlet, a thread in threading mode) and feeds the verifier's mirror; each
revocation it receives closes the matching sockets of this process with `session:revoked
{code, reason}` first. A sweeper closes sockets whose token expired (`TOKEN_EXPIRED`).
"""

from __future__ import annotations

import logging
import time
import weakref
from typing import Any

from libs.servicekit.i18n import N_
from libs.sessions import Revocation, RevocationMirror
from services.chat_file.kernel.errors import InvalidTokenError
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.languages import chat_catalogue
from services.chat_file.realtime.api import Data, Event, current_sid
from services.chat_file.realtime.socket.auth import event_token
from services.chat_file.realtime.socket.hub import RealtimeHub
from services.chat_file.realtime.socket.session import SocketSessions
from services.chat_file.users.application.ports import TokenVerifier

logger = logging.getLogger(__name__)

SESSION_REVOKED = "session:revoked"
SWEEP_SECONDS = 1.0
REVOKED_MESSAGE = N_("Session révoquée : reconnectez-vous")
EXPIRED_MESSAGE = N_("Token expiré : envoyez token:refresh avant l'expiration")


def install_session_guard(hub: RealtimeHub, mirror: RevocationMirror) -> None:
    """Revocations close the matching sockets; a sweeper closes those whose token expired."""
    socketio, sessions = hub.socketio, hub.sessions

    def on_revocation(revocation: Revocation) -> None:
        for sid, user in sessions.items():
            if revocation.covers(user.user_id, user.session_id, user.auth_ms):
                reason = revocation.reason or "revoked"
                end_socket(socketio, sid, "TOKEN_REVOKED", reason, sessions.locale_of(sid))

    mirror.subscribe(on_revocation)
    if hub.revocation_feed is not None:
        hub.revocation_feed.start()
    socketio.start_background_task(_sweep_expired, weakref.ref(socketio), weakref.ref(sessions))


class SessionEvents:
    """`token:refresh`: a fresh access token keeps the socket open past the old one's expiry."""

    EVENTS = {"token:refresh": Event("refresh_token", error="auth_error")}

    def __init__(self, sessions: SocketSessions, verifier: TokenVerifier) -> None:
        self._sessions = sessions
        self._verifier = verifier

    def refresh_token(self, user: Identity, data: Data) -> Data:
        fresh = self._verifier.verify(event_token(data))
        if fresh.user_id != user.user_id:
            raise InvalidTokenError("Le token appartient à un autre utilisateur")
        self._sessions.bind(current_sid(), fresh)
        return {"expiresAt": fresh.expires_at}


def end_socket(socketio: Any, sid: str, code: str, reason: str, locale: str = "fr") -> None:
    """Tell the client why (in the socket's language), then close; both on this process (never
    through the queue, so the event cannot arrive after the disconnect)."""
    template = REVOKED_MESSAGE if code == "TOKEN_REVOKED" else EXPIRED_MESSAGE
    message = chat_catalogue().text(template, locale)
    body = {"code": code, "reason": reason, "message": message}
    try:
        socketio.server.emit(SESSION_REVOKED, body, to=sid, namespace="/", ignore_queue=True)
        socketio.server.disconnect(sid, namespace="/", ignore_queue=True)
    except Exception:  # the socket may already be gone
        logger.exception("closing socket %s (%s) failed", sid, code)
    logger.info("socket closed: %s (%s)", code, reason)


def _sweep_expired(
    socketio_ref: weakref.ref[Any], sessions_ref: weakref.ref[SocketSessions]
) -> None:
    """Every second: sockets whose access token expired end. Holds the server weakly (the app
    gone, the loop ends); `time.sleep` is cooperative under gevent/eventlet (monkey-patched)."""
    while True:
        time.sleep(SWEEP_SECONDS)
        socketio, sessions = socketio_ref(), sessions_ref()
        if socketio is None or sessions is None:
            return
        now = time.time()
        for sid, user in sessions.items():
            if user.expires_at and user.expires_at <= now:
                end_socket(socketio, sid, "TOKEN_EXPIRED", "expired", sessions.locale_of(sid))
        del socketio, sessions
