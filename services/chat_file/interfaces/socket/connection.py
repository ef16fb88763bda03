"""Connect (token at handshake), legacy `authenticate`, disconnect, `ping` and `heartbeat`."""

from __future__ import annotations

import time
from typing import Any

from flask import request

from libs.servicekit.errors import CodedError
from services.chat_file.domain.identity import Identity

from .auth import event_token, handshake_token, refusal
from .events import register, unexpected_failure
from .hub import RealtimeHub

AUTH_GRACE_SECONDS = 30.0  # an anonymous socket must `authenticate` within this delay


MAX_PRESENCE_QUERY = 500


class InvalidPresenceQueryError(CodedError):
    code = "VALIDATION_ERROR"
    message = f"userIds doit être une liste d'au plus {MAX_PRESENCE_QUERY} identifiants"


class AlreadyAuthenticatedError(CodedError):
    code = "ALREADY_AUTHENTICATED"
    message = "Ce socket est déjà authentifié pour un autre utilisateur"


def register_connection_events(hub: RealtimeHub, chat: Any) -> None:
    socketio, sessions, verify = hub.socketio, hub.sessions, chat.verifier.verify

    @socketio.on("connect")
    def connect(auth: Any = None) -> None:
        token = handshake_token(auth, request.cookies)
        if token is None:  # an old client: it must send `authenticate {token}` first
            hub.expect_authentication(request.sid, AUTH_GRACE_SECONDS)  # type: ignore[attr-defined]
            return
        try:
            hub.admit(request.sid, verify(token))  # type: ignore[attr-defined]
        except CodedError as exc:
            raise refusal(exc.message, exc.code) from None
        except Exception as exc:
            answer = unexpected_failure("connect", exc)
            raise refusal(answer["message"], answer["code"]) from None

    @socketio.on("disconnect")
    def disconnect(*_reason: Any) -> None:
        hub.release(request.sid)  # type: ignore[attr-defined]

    def authenticate(current: Identity | None, data: dict[str, Any]) -> dict[str, Any]:
        user = verify(event_token(data))
        if current is not None and current.user_id != user.user_id:
            raise AlreadyAuthenticatedError()
        if current is None:
            joined = hub.admit(request.sid, user)  # type: ignore[attr-defined]
        else:
            joined = chat.conversations.ids_for(user.user_id)
        profile = chat.directory.resolve(user.user_id)
        return {
            "success": True,
            "userId": user.user_id,
            "matricule": user.matricule or profile.get("matricule"),
            "nom": profile.get("nom"),
            "prenom": profile.get("prenom"),
            "ministere": profile.get("ministere"),
            "autoJoinedConversations": joined,
        }

    def online_users(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        asked = data.get("userIds") or []
        if not isinstance(asked, list) or len(asked) > MAX_PRESENCE_QUERY:
            raise InvalidPresenceQueryError()
        contacts = lambda: hub.contacts(user.user_id)  # noqa: E731
        return hub.activity.who_is_online(user.user_id, [str(u) for u in asked], contacts)

    def ping(_user: Identity | None, _data: dict[str, Any]) -> dict[str, Any]:
        return {"timestamp": int(time.time() * 1000)}

    register(
        socketio, sessions, "authenticate", authenticate,
        reply="authenticated", error="auth_error", public=True,
    )  # fmt: skip
    register(socketio, sessions, "getOnlineUsers", online_users, reply="onlineUsers")
    register(socketio, sessions, "ping", ping, reply="pong", public=True)
    register(socketio, sessions, "heartbeat", ping, reply="heartbeat_ack", public=True)
