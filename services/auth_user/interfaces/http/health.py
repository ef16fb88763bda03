"""GET /health (liveness, no I/O) and GET /ready (the database and Redis answer)."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify

from libs.servicekit.http import error_body
from libs.servicekit.openapi import documented

from .context import services
from .responses import HealthResponse, ReadyResponse

logger = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


@bp.get("/health")
@documented("Liveness (no I/O)", response=HealthResponse, auth=False, tags=["ops"])
def health() -> Response:
    return jsonify(status="ok", service="auth_user")


@bp.get("/ready")
@documented(
    "Readiness: the database and Redis answer",
    response=ReadyResponse,
    errors=["NOT_READY"],
    auth=False,
)
def ready() -> tuple[Response, int]:
    checks: dict[str, str] = {}
    for name, check in services().checks.items():
        try:
            check()
        except Exception as exc:  # any failure means "not ready", reported, never a 500
            logger.warning("readiness check %s failed: %s", name, type(exc).__name__)
            checks[name] = f"error: {type(exc).__name__}"
        else:
            checks[name] = "ok"
    if all(state == "ok" for state in checks.values()):
        return jsonify(status="ready", checks=checks), 200
    body = error_body("NOT_READY", "Service indisponible", checks=checks)
    return jsonify(body), 503
