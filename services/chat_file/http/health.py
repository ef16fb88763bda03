"""`GET /health` (liveness, no I/O) and `GET /ready` (database, Redis, auth_user, breaker)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from libs.servicekit.http import Reply
from libs.servicekit.openapi import documented
from services.chat_file.http.context import Edge, provided

bp = Blueprint("health", __name__)


@bp.get("/health")
@documented("Liveness (no I/O)", auth=False, tags=["ops"])
def health() -> Reply:
    return jsonify({"success": True, "data": {"status": "ok", "service": "chat_file"}}), 200


@bp.get("/ready")
@documented(
    "Readiness: database, Redis, auth_user reachability, breaker state, revocation mirror"
    " freshness (503 without database)",
    auth=False,
    tags=["ops"],
)
def ready() -> Reply:
    """503 only without the database; Redis or auth_user down means degraded but serving."""
    readiness = provided(Edge).readiness
    checks, following = readiness.checks(), readiness.following()  # following: mirror not stale
    plain = (v for k, v in checks.items() if k not in ("breaker", "revocations"))
    status = "ready" if following and all(v is True for v in plain) else "degraded"
    if not checks["database"]:
        status = "unavailable"
    body = {"success": True, "data": {"status": status, **checks}}
    if status == "unavailable":
        body.update(success=False, code="NOT_READY", message="Base de données indisponible")
        return jsonify(body), 503
    return jsonify(body), 200
