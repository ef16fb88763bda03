"""Request helpers shared by the blueprints: the wired services, bodies, presented tokens."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from libs.servicekit.http import json_body

from ...application.bundle import Services

EXTENSION = "auth_user"


def services() -> Services:
    wired: Services = current_app.extensions[EXTENSION]
    return wired


def optional_json() -> dict[str, Any]:
    """The JSON object body, `{}` when there is no body; malformed JSON is `INVALID_JSON`."""
    return json_body() if request.get_data(cache=True) else {}


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def client_ip() -> str:
    return request.remote_addr or "unknown"
