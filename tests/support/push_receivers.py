"""Loopback push services for tests: they speak the providers' protocols.

- `Subscriber`: a browser's side of a Web Push subscription (P-256 key pair + auth secret made
  with `cryptography`); decrypts RFC 8291 aes128gcm bodies with its private key.
- `WebPushReceiver`: a push service on 127.0.0.1. `POST /push/<name>` checks the VAPID
  `Authorization: vapid t=<JWT>,k=<key>` (ES256 signature by k, `aud` = our origin, `sub`,
  unexpired), `Content-Encoding: aes128gcm` and `TTL`, decrypts with `<name>`'s subscriber and
  records the payload. Answers 201, or the statuses scripted with `respond(name, ...)`.
  `stop()` / `start()` again on the same port simulate an outage.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.loopback import LoopbackHTTP
from tests.support.servers import free_port


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Subscriber:
    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    def keys(self) -> dict[str, str]:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"p256dh": b64url(point), "auth": b64url(self.auth)}

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )
        data: dict[str, Any] = json.loads(plain)
        return data


@dataclass
class Delivery:
    name: str
    payload: dict[str, Any]
    headers: dict[str, str]
    claims: dict[str, Any]


@dataclass
class WebPushReceiver(LoopbackHTTP):
    port: int = field(default_factory=free_port)
    subscribers: dict[str, Subscriber] = field(default_factory=dict)
    received: queue.Queue[Delivery] = field(default_factory=queue.Queue)
    attempts: dict[str, int] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)
    _script: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None

    def subscription(self, name: str) -> dict[str, Any]:
        """A new subscriber `name`: the `PushSubscription.toJSON()` a browser would send."""
        subscriber = self.subscribers.setdefault(name, Subscriber())
        return {"endpoint": f"{self.origin}/push/{name}", "keys": subscriber.keys()}

    def respond(self, name: str, *answers: int | tuple[int, dict[str, str]]) -> None:
        """The next answers to `name` (then 201 again)."""
        self._script.setdefault(name, []).extend(
            a if isinstance(a, tuple) else (a, {}) for a in answers
        )

    def next_delivery(self, timeout: float = 15.0) -> Delivery:
        return self.received.get(timeout=timeout)

    def nothing_for(self, seconds: float) -> bool:
        try:
            self.received.get(timeout=seconds)
        except queue.Empty:
            return True
        return False

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return _handler(self)

    def handle(self, name: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str]]:
        self.attempts[name] = self.attempts.get(name, 0) + 1
        script = self._script.get(name)
        if script:
            return script.pop(0)
        try:
            claims = self._check_vapid(headers)
            assert headers.get("content-encoding") == "aes128gcm", headers
            assert int(headers.get("ttl", "-1")) >= 0, headers
            payload = self.subscribers[name].decrypt(body)
        except Exception as exc:  # a protocol violation: the test sees it in `rejected`
            self.rejected.append(f"{name}: {exc!r}")
            return 400, {}
        self.received.put(Delivery(name, payload, headers, claims))
        return 201, {}

    def _check_vapid(self, headers: dict[str, str]) -> dict[str, Any]:
        scheme, _, params = headers.get("authorization", "").partition(" ")
        assert scheme == "vapid", scheme
        fields = dict(p.strip().split("=", 1) for p in params.split(","))
        point = unb64url(fields["k"])
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        claims: dict[str, Any] = jwt.decode(
            fields["t"], key, algorithms=["ES256"], audience=self.origin
        )
        assert claims["sub"].startswith(("mailto:", "https://")), claims
        assert claims["exp"] > time.time(), claims
        return claims


def _handler(receiver: WebPushReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            name = self.path.rsplit("/", 1)[-1]
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra = receiver.handle(name, headers, body)
            self.send_response(status)
            for key, value in extra.items():
                self.send_header(key, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    return Handler
