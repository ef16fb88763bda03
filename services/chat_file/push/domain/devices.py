"""Push devices: where a user's offline notifications go (an FCM token or a Web Push
subscription), and the rules a registration must follow. Plain Python.

A Web Push endpoint is a URL our worker will POST to: here only its shape is checked (a
bounded http(s) URL whose origin a VAPID `aud` claim can name); where it may lead is the
egress guard's decision (`libs/egress`, applied by `DeviceService` and again by the sender).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from services.chat_file.kernel.errors import ChatError
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.ids import is_object_id

DEVICE_KEY_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
MAX_TOKEN = 4096
MAX_APP_VERSION = 32
# What py_vapid accepts as an `aud` (scheme, host, optional port): an IPv6 literal is not,
# so such an endpoint could never be signed for and is refused at registration.
VAPID_ORIGIN_RE = re.compile(r"^https?://[^/:]+(:\d+)?$", re.IGNORECASE)
P256DH_BYTES = 65  # an uncompressed P-256 point
AUTH_BYTES = 16


class Platform(StrEnum):
    FCM = "fcm"
    WEBPUSH = "webpush"


class InvalidDeviceError(ChatError):
    code = "INVALID_DEVICE"
    message = "Appareil invalide"


class PushEndpointRefusedError(ChatError):
    """A Web Push endpoint the egress guard will not send to (scheme, host, address...)."""

    code = "PUSH_ENDPOINT_REFUSED"
    message = "Endpoint de push refusé"


class DeviceNotFoundError(ChatError):
    code = "DEVICE_NOT_FOUND"
    message = "Appareil introuvable"


@dataclass(frozen=True)
class Device:
    """One push target. `token` is the FCM registration token or the Web Push endpoint;
    `keys` the subscription's `p256dh` and `auth` (Web Push only); `device_key` the client's
    own `deviceId` (one target per user and deviceId)."""

    id: str
    user_id: str
    platform: Platform
    token: str
    device_key: str
    app_version: str
    created_at: datetime
    keys: dict[str, str] = field(default_factory=dict)
    # The login session that registered it (the token's `sid`, and when that session logged
    # in): ending the session (logout, password change...) removes the device.
    session_id: str | None = None
    auth_ms: int = 0


def by_user(devices: Iterable[Device]) -> dict[str, list[Device]]:
    """The devices grouped by their user, each list in the order given."""
    found: dict[str, list[Device]] = {}
    for device in devices:
        found.setdefault(device.user_id, []).append(device)
    return found


def token_hash(token: str) -> str:
    """What stores index a token by (tokens and endpoints can be long)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_device_id() -> str:
    return secrets.token_hex(12)


def check_device_id(value: Any) -> str:
    if not is_object_id(value):
        raise DeviceNotFoundError()
    return value


def parse_device(user: Identity, body: dict[str, Any], at: datetime) -> Device:
    """A `Device` from a registration body (already shaped by the HTTP schema)."""
    try:
        platform = Platform(str(body.get("platform")))
    except ValueError:
        raise InvalidDeviceError("platform doit valoir fcm ou webpush") from None
    key = body.get("deviceId")
    if not isinstance(key, str) or not DEVICE_KEY_RE.match(key):
        raise InvalidDeviceError("deviceId invalide (1 à 128 caractères A-Z a-z 0-9 . _ : -)")
    version = body.get("appVersion") or ""
    if not isinstance(version, str) or len(version) > MAX_APP_VERSION:
        raise InvalidDeviceError("appVersion invalide")
    keys: dict[str, str] = {}
    if platform is Platform.FCM:
        token = _fcm_token(body.get("token"))
    else:
        token, keys = _subscription(body.get("subscription"))
    return Device(
        new_device_id(),
        user.user_id,
        platform,
        token,
        key,
        version,
        at,
        keys,
        session_id=user.session_id,
        auth_ms=user.auth_ms,
    )


def _fcm_token(token: Any) -> str:
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN or token.strip() != token:
        raise InvalidDeviceError("token FCM requis")
    return token


def _subscription(value: Any) -> tuple[str, dict[str, str]]:
    if not isinstance(value, dict):
        raise InvalidDeviceError("subscription requise {endpoint, keys: {p256dh, auth}}")
    endpoint = value.get("endpoint")
    if not isinstance(endpoint, str) or not endpoint_shape_ok(endpoint):
        raise InvalidDeviceError("endpoint de push non autorisé")
    keys = value.get("keys")
    if not isinstance(keys, dict):
        raise InvalidDeviceError("subscription.keys requis")
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if _b64_length(p256dh) != P256DH_BYTES or _b64_length(auth) != AUTH_BYTES:
        raise InvalidDeviceError("clés de subscription invalides")
    return endpoint, {"p256dh": str(p256dh), "auth": str(auth)}


def endpoint_shape_ok(endpoint: str) -> bool:
    """A bounded http(s) URL, no credentials, whose origin VAPID can sign for."""
    if len(endpoint) > MAX_TOKEN:
        return False
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return False
    if parts.username is not None or parts.password is not None:
        return False
    return VAPID_ORIGIN_RE.match(origin_of(endpoint)) is not None


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def host_of(url: str) -> str:
    """The endpoint's host name, lower case, without a trailing dot ("" if unreadable)."""
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def _b64_length(value: Any) -> int:
    """Decoded length of a base64url string (padding optional), -1 if it is not one."""
    if not isinstance(value, str) or not 0 < len(value) <= 200:
        return -1
    try:
        return len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, ValueError):
        return -1
