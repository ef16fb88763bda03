"""Service-to-service requests signed with a shared secret (HMAC-SHA256).

The caller sends `X-Service-Name`, `X-Service-Timestamp` (Unix seconds) and
`X-Service-Signature` = hex HMAC of `name \\n timestamp \\n METHOD \\n path?query \\n
sha256(body)` under `SERVICE_SECRET`. The receiver recomputes it and accepts a timestamp within
`max_skew` seconds. Only a holder of the secret can sign; a captured request can be replayed
for at most that window, and only as the same read.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping

NAME_HEADER = "X-Service-Name"
TIMESTAMP_HEADER = "X-Service-Timestamp"
SIGNATURE_HEADER = "X-Service-Signature"
DEFAULT_MAX_SKEW = 60


def _message(name: str, timestamp: str, method: str, target: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join((name, timestamp, method.upper(), target, digest)).encode()


def sign_request(
    secret: str,
    name: str,
    method: str,
    target: str,
    body: bytes = b"",
    clock: Callable[[], float] = time.time,
) -> dict[str, str]:
    """The three headers for a request to `target` (path and query string, as sent)."""
    timestamp = str(int(clock()))
    mac = hmac.new(secret.encode(), _message(name, timestamp, method, target, body), "sha256")
    return {NAME_HEADER: name, TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: mac.hexdigest()}


def is_signed(headers: Mapping[str, str]) -> bool:
    return SIGNATURE_HEADER.lower() in {key.lower() for key in headers}


def verified_service(
    secret: str,
    headers: Mapping[str, str],
    method: str,
    target: str,
    body: bytes,
    *,
    max_skew: int = DEFAULT_MAX_SKEW,
    clock: Callable[[], float] = time.time,
) -> str | None:
    """The calling service's name if the signature is right and fresh, else None."""
    lower = {key.lower(): value for key, value in headers.items()}
    name = lower.get(NAME_HEADER.lower(), "")
    timestamp = lower.get(TIMESTAMP_HEADER.lower(), "")
    signature = lower.get(SIGNATURE_HEADER.lower(), "")
    if not (secret and name and timestamp.isdigit() and signature):
        return None
    if abs(clock() - int(timestamp)) > max_skew:
        return None
    mac = hmac.new(secret.encode(), _message(name, timestamp, method, target, body), "sha256")
    return name if hmac.compare_digest(mac.hexdigest(), signature) else None
