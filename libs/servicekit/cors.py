"""CORS for browser clients on other origins (the web console logs in to auth_user)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, Response, request

ALLOWED_HEADERS = "Authorization, Content-Type, X-CSRF-TOKEN, X-Request-ID"
ALLOWED_METHODS = "GET, POST, PUT, DELETE, OPTIONS"


def install_cors(app: Flask, origins: Iterable[str]) -> None:
    """Answer preflights and tag responses for the listed origins only (never `*`)."""
    allowed = frozenset(o.rstrip("/") for o in origins if o)

    @app.before_request
    def preflight() -> Response | None:
        if request.method == "OPTIONS" and request.headers.get("Origin") in allowed:
            return Response(status=204)
        return None

    @app.after_request
    def tag(response: Response) -> Response:
        origin = request.headers.get("Origin")
        if origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response.headers["Access-Control-Expose-Headers"] = "X-Request-ID, Retry-After"
            response.headers.add("Vary", "Origin")
        return response
