"""POST /logout-all, GET /sessions, DELETE /sessions/<id>: a user's own sessions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from flask_jwt_extended import get_jwt, get_jwt_identity, jwt_required

from libs.servicekit.openapi import documented

from ...domain.model import DeviceSession
from .context import services
from .cookies import clear_session_cookies
from .responses import SessionListResponse, SessionsEndedResponse

bp = Blueprint("sessions", __name__)

TOKEN_ERRORS = ["MISSING_TOKEN", "INVALID_TOKEN", "TOKEN_EXPIRED", "TOKEN_REVOKED", "CSRF_FAILED"]


@bp.post("/logout-all")
@documented(
    "End every session of the caller on every device (tokens refused, sockets closed, ≤ 1 s)",
    response=SessionsEndedResponse,
    errors=TOKEN_ERRORS,
    tags=["auth"],
)
@jwt_required()
def logout_all() -> Response:
    services().auth.logout_all(get_jwt_identity())
    response = jsonify(message="Toutes les sessions ont été fermées")
    clear_session_cookies(response, services().settings)
    return response


@bp.get("/sessions")
@documented(
    "The caller's sessions (device, IP, login and last use), newest use first",
    response=SessionListResponse,
    errors=TOKEN_ERRORS,
    tags=["auth"],
)
@jwt_required()
def list_sessions() -> Response:
    current = get_jwt().get("sid")
    sessions = services().auth.sessions.list(get_jwt_identity())
    return jsonify(sessions=[_dump(s, current) for s in sessions])


@bp.delete("/sessions/<session_id>")
@documented(
    "End one of the caller's sessions (its tokens refused, its sockets closed, ≤ 1 s)",
    response=SessionsEndedResponse,
    errors=[*TOKEN_ERRORS, "SESSION_NOT_FOUND"],
    tags=["auth"],
)
@jwt_required()
def revoke_session(session_id: str) -> Response:
    services().auth.sessions.revoke_one(get_jwt_identity(), session_id)
    return jsonify(message="Session fermée")


def _dump(session: DeviceSession, current: Any) -> dict[str, Any]:
    return {
        "id": session.id,
        "userAgent": session.user_agent,
        "ip": session.ip,
        "createdAt": session.created_at_ms,
        "lastUsedAt": session.last_used_ms,
        "current": session.id == current,
    }
