"""Requests signed as a service (what chat_file's auth client sends), for tests and bench."""

from __future__ import annotations

import json
from typing import Any

from libs.servicekit.service_auth import sign_request
from libs.servicekit.settings import DEV_SERVICE_SECRET


def service_headers(
    method: str, target: str, body: bytes = b"", secret: str = DEV_SERVICE_SECRET
) -> dict[str, str]:
    return sign_request(secret, "chat_file", method, target, body)


def service_get(client: Any, target: str, secret: str = DEV_SERVICE_SECRET) -> Any:
    """GET `target` (path and query) through a Flask test client, signed."""
    return client.get(target, headers=service_headers("GET", target, secret=secret))


def service_post(client: Any, target: str, payload: Any, secret: str = DEV_SERVICE_SECRET) -> Any:
    body = json.dumps(payload).encode()
    headers = {**service_headers("POST", target, body, secret), "Content-Type": "application/json"}
    return client.post(target, data=body, headers=headers)
