"""A loopback FCM for tests: the OAuth token endpoint of a service account and the HTTP v1
`messages:send` endpoint.

- `service_account_file(dir)` writes a service-account JSON with a fresh RSA key whose
  `token_uri` points here.
- `POST /token` checks the JWT-bearer assertion (RS256 by that key, Google's token audience, the
  firebase.messaging scope) and issues an access token.
- `POST /v1/projects/<project>/messages:send` checks the bearer is an issued token and the v1
  message shape, records it, answers `{name}`, or what `respond(token, ...)` scripted
  (e.g. 404 UNREGISTERED).
"""

from __future__ import annotations

import json
import queue
import secrets
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.loopback import LoopbackHTTP
from tests.support.servers import free_port

# google-auth signs its assertion for Google's token endpoint whatever `token_uri` says.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
UNREGISTERED = {
    "error": {
        "code": 404,
        "status": "NOT_FOUND",
        "message": "Requested entity was not found.",
        "details": [
            {
                "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                "errorCode": "UNREGISTERED",
            }
        ],
    }
}


@dataclass
class FakeFcm(LoopbackHTTP):
    project: str = "ngomna-test"
    port: int = field(default_factory=free_port)
    key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))
    issued: set[str] = field(default_factory=set)
    received: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue)
    rejected: list[str] = field(default_factory=list)
    _script: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None

    def service_account_file(self, directory: Path) -> Path:
        pem = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        info = {
            "type": "service_account",
            "project_id": self.project,
            "private_key_id": "test-key-1",
            "private_key": pem,
            "client_email": f"push@{self.project}.iam.gserviceaccount.com",
            "client_id": "1234567890",
            "token_uri": f"{self.origin}/token",
        }
        path = directory / "service-account.json"
        path.write_text(json.dumps(info))
        return path

    def respond(self, token: str, status: int, body: dict[str, Any]) -> None:
        self._script.setdefault(token, []).append((status, body))

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return _handler(self)

    def token(self, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        try:
            assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
            public = self.key.public_key()
            claims = jwt.decode(
                form["assertion"][0], public, algorithms=["RS256"], audience=GOOGLE_TOKEN_AUDIENCE
            )
            assert "firebase.messaging" in claims["scope"], claims
        except Exception as exc:
            self.rejected.append(f"token: {exc!r}")
            return 400, {"error": "invalid_grant"}
        access = secrets.token_urlsafe(24)
        self.issued.add(access)
        return 200, {"access_token": access, "expires_in": 3600, "token_type": "Bearer"}

    def send(
        self, path: str, authorization: str, body: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        scheme, _, access = authorization.partition(" ")
        if scheme != "Bearer" or access not in self.issued:
            self.rejected.append("send: bad bearer")
            return 401, {"error": {"code": 401, "status": "UNAUTHENTICATED"}}
        try:
            assert path == f"/v1/projects/{self.project}/messages:send", path
            message = body["message"]
            assert set(message) >= {"token", "notification", "data", "android", "apns"}, message
            assert all(isinstance(v, str) for v in message["data"].values()), message["data"]
        except (AssertionError, KeyError, TypeError) as exc:
            self.rejected.append(f"send: {exc!r}")
            return 400, {"error": {"code": 400, "status": "INVALID_ARGUMENT"}}
        script = self._script.get(message["token"])
        if script:
            return script.pop(0)
        self.received.put(message)
        return 200, {"name": f"projects/{self.project}/messages/{secrets.token_hex(6)}"}


def _handler(fcm: FakeFcm) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            if self.path == "/token":
                status, answer = fcm.token(parse_qs(raw))
            else:
                auth = self.headers.get("Authorization", "")
                status, answer = fcm.send(self.path, auth, json.loads(raw or "{}"))
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            return None

    return Handler
