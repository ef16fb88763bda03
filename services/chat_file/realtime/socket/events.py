"""The one wrapper every client event goes through: auth check, errors, ack + legacy reply."""

from __future__ import annotations

import logging
from typing import Any

import redis
from flask import request
from flask_socketio import emit

from libs.servicekit.errors import CodedError
from libs.servicekit.http import InvalidJsonError
from libs.servicekit.i18n import N_
from services.chat_file.kernel.errors import MissingTokenError
from services.chat_file.kernel.languages import chat_catalogue
from services.chat_file.kernel.limits import UserLimits
from services.chat_file.realtime.api import Event, Handler
from services.chat_file.realtime.socket.session import SocketSessions

logger = logging.getLogger(__name__)


NOT_AN_OBJECT = "Les données de l'événement doivent être un objet JSON"
INTERNAL = {"success": False, "message": N_("Erreur interne du serveur"), "code": "INTERNAL_ERROR"}
# A store down: the same code as HTTP's 503, so clients know a retry may succeed.
UNAVAILABLE = {
    "success": False,
    "message": N_("Service temporairement indisponible"),
    "code": "SERVICE_UNAVAILABLE",
}


class UnknownEventError(CodedError):
    code = "UNKNOWN_EVENT"
    message = "Événement inconnu"


def unknown_event(event: str, sessions: SocketSessions, *_: Any) -> dict[str, Any]:
    """An event no handler group claims: `error {event, code: UNKNOWN_EVENT}` and the ack
    (for any socket, authenticated or not: it reveals nothing), in the socket's language."""
    answer = failure(UnknownEventError(), sessions.locale_of(request.sid))  # type: ignore[attr-defined]
    emit("error", {**answer, "event": event})
    return answer


def failure(exc: CodedError, locale: str | None = None) -> dict[str, Any]:
    """`{success: false, message, code}`: the message in `locale` (French by default)."""
    message = chat_catalogue().error_message(exc, locale)
    body: dict[str, Any] = {"success": False, "message": message, "code": exc.code}
    if "errors" in exc.details:
        body["errors"] = exc.details["errors"]
    if "retry_after" in exc.details:
        body["retryAfter"] = exc.details["retry_after"]
    return body


def translated(answer: dict[str, Any], locale: str | None) -> dict[str, Any]:
    """One of the fixed answers above, its message in `locale`."""
    return {**answer, "message": chat_catalogue().text(answer["message"], locale)}


def unexpected_failure(event: str, exc: Exception) -> dict[str, Any]:
    """Call from an `except` block: Redis down is SERVICE_UNAVAILABLE (a retry may work, like
    HTTP's 503) and logged in one line; anything else is logged with its traceback. (The
    database raises the coded `StoreUnavailableError`, answered like any CodedError.)"""
    if isinstance(exc, redis.RedisError):
        logger.error("socket event %s: store unavailable: %s", event, exc)
        return UNAVAILABLE
    logger.exception("socket event %s failed", event)
    return INTERNAL


def dispatch(
    event: str,
    spec: Event,
    fn: Handler,
    sessions: SocketSessions,
    limits: UserLimits | None,
    data: Any = None,
    *_: Any,
) -> dict[str, Any]:
    """Run one event, counted against its per-user limit (`spec.action`) first. Success: the
    `reply` event (if any) carries the dict, the ack gets `{success: true, **dict}`. A
    `CodedError` becomes `{success: false, message, code}` (and `retryAfter` when limited) on
    the `error` event and in the ack, its message in the socket's language; anything else goes
    through `unexpected_failure` (the socket stays up)."""
    sid: str = request.sid  # type: ignore[attr-defined]
    try:
        user = sessions.active(sid)
        if user is None and not spec.public:
            raise MissingTokenError()  # same code as HTTP without a token
        if limits is not None and user is not None:
            limits.check(spec.action, user.user_id)  # every socket of the user, every process
        if not isinstance(data if data is not None else {}, dict):
            raise InvalidJsonError(NOT_AN_OBJECT)
        body = fn(user, data or {})
    except CodedError as exc:
        answer = failure(exc, sessions.locale_of(sid))
    except Exception as exc:
        answer = translated(unexpected_failure(event, exc), sessions.locale_of(sid))
    else:
        if spec.reply:
            emit(spec.reply, body)
        return {"success": True, **body}
    # old clients read `error` on the named error events, `event` on the generic one
    extra = {"event": event} if spec.error == "error" else {"error": answer["message"]}
    emit(spec.error, {**answer, **extra})
    return answer
