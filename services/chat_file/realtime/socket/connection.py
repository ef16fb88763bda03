"""Connect (token at handshake), legacy `authenticate`, disconnect, `ping` and `heartbeat`."""

from __future__ import annotations

import time
from typing import Any

from flask import request

from libs.servicekit.errors import CodedError
from services.chat_file.kernel.identity import Identity
from services.chat_file.realtime.api import Data, Event, current_sid
from services.chat_file.realtime.socket.auth import event_token, handshake_token, refusal
from services.chat_file.realtime.socket.events import failure, translated, unexpected_failure
from services.chat_file.realtime.socket.hub import RealtimeHub, TooManyAnonymousSocketsError
from services.chat_file.users.application.directory import UserDirectory
from services.chat_file.users.application.ports import TokenVerifier

MAX_PRESENCE_QUERY = 500
TOO_MANY_ANONYMOUS = "Trop de connexions non authentifiées depuis cette adresse"


class InvalidPresenceQueryError(CodedError):
    code = "VALIDATION_ERROR"
    message = f"userIds doit être une liste d'au plus {MAX_PRESENCE_QUERY} identifiants"


class AlreadyAuthenticatedError(CodedError):
    code = "ALREADY_AUTHENTICATED"
    message = "Ce socket est déjà authentifié pour un autre utilisateur"


class ConnectionEvents:
    """Who is behind a socket: connect, the old clients' `authenticate`, disconnect; and the
    connection's small talk (`getOnlineUsers`, `ping`, `heartbeat`)."""

    EVENTS = {
        # the old backend pushed the conversation list right after `authenticated`
        "authenticate": Event(
            "authenticate",
            reply="authenticated",
            error="auth_error",
            public=True,
            then=("getConversations",),
        ),
        "getOnlineUsers": Event("online_users", reply="onlineUsers", action="presence"),
        "ping": Event("ping", reply="pong", public=True),
        "heartbeat": Event("ping", reply="heartbeat_ack", public=True),
    }

    def __init__(self, hub: RealtimeHub, verifier: TokenVerifier, directory: UserDirectory) -> None:
        self.hub = hub
        self._verifier = verifier
        self._directory = directory

    def connect(self, auth: Any = None) -> None:
        sid = current_sid()
        if isinstance(auth, dict):
            self.hub.sessions.choose_locale(sid, auth.get("locale"))
        token = handshake_token(auth, request.cookies)
        if token is None:  # an old client: it must send `authenticate {token}` first
            try:
                self.hub.admit_anonymous(sid, request.remote_addr or "")
            except TooManyAnonymousSocketsError:
                raise refusal(TOO_MANY_ANONYMOUS, "TOO_MANY_CONNECTIONS") from None
            return
        try:
            self.hub.admit(sid, self._verifier.verify(token))
        except CodedError as exc:
            answer = failure(exc, self.hub.sessions.locale_of(sid))
            self.hub.sessions.pop(sid)
            raise refusal(answer["message"], answer["code"]) from None
        except Exception as exc:
            locale = self.hub.sessions.locale_of(sid)
            answer = translated(unexpected_failure("connect", exc), locale)
            self.hub.sessions.pop(sid)
            raise refusal(answer["message"], answer["code"]) from None

    def disconnect(self) -> None:
        self.hub.release(current_sid())

    def authenticate(self, current: Identity | None, data: Data) -> Data:
        user = self._verifier.verify(event_token(data))
        if current is not None and current.user_id != user.user_id:
            raise AlreadyAuthenticatedError()
        if current is None:
            joined = self.hub.admit(current_sid(), user)
        else:
            joined, _ = self.hub.memberships.rooms_and_contacts(user.user_id)
        profile = self._directory.resolve(user.user_id)
        names = {k: profile.get(k) for k in ("nom", "prenom", "ministere")}
        matricule = user.matricule or profile.get("matricule")
        return {"success": True, "userId": user.user_id, "matricule": matricule, **names,
                "autoJoinedConversations": joined}  # fmt: skip

    def online_users(self, user: Identity, data: Data) -> Data:
        asked = data.get("userIds") or []
        if not isinstance(asked, list) or len(asked) > MAX_PRESENCE_QUERY:
            raise InvalidPresenceQueryError()
        contacts = lambda: self.hub.contacts(user.user_id)  # noqa: E731
        found: Data = self.hub.activity.who_is_online(
            user.user_id, [str(u) for u in asked], contacts
        )
        return found

    def ping(self, _user: Identity | None, _data: Data) -> Data:
        return {"timestamp": int(time.time() * 1000)}
