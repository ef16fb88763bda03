"""Where a socket's token comes from, and turning a verification failure into a refusal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from socketio.exceptions import ConnectionRefusedError

from services.chat_file.kernel.errors import MissingTokenError

ACCESS_COOKIE = "accessToken"


def handshake_token(auth: Any, cookies: Mapping[str, str]) -> str | None:
    """`auth: {token}` first (a `Bearer ` prefix is tolerated), else the `accessToken` cookie."""
    token = auth.get("token") if isinstance(auth, dict) else None
    if not token:
        token = cookies.get(ACCESS_COOKIE)
    if not isinstance(token, str) or not token.strip():
        return None
    token = token.strip()
    return token[7:].strip() if token.lower().startswith("bearer ") else token


def event_token(data: Mapping[str, Any]) -> str:
    """The token of a legacy `authenticate {token}` event (nothing else is trusted)."""
    token = handshake_token(data, {})
    if token is None:
        raise MissingTokenError()
    return token


def refusal(message: str, code: str) -> ConnectionRefusedError:
    """Refuse the connection: the client's `connect_error` gets `message` and `data: {message,
    code}` (socket.io JS: `err.message`, `err.data.code`)."""
    return ConnectionRefusedError(message, {"message": message, "code": code})
