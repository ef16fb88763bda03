"""The Ops folder: health, readiness, metrics and API docs of both services."""

from __future__ import annotations

from .dsl import Call, auth, chat, header


def _ops(service: str) -> list[Call]:
    is_chat = service == "chat_file"
    make = chat if is_chat else auth
    label = f"{service}: "
    health_keys = ("status", "service")
    return [
        make(
            label + "GET /health",
            "GET",
            "/health",
            token=None,
            keys=health_keys,
            checks=(
                (
                    "alive",
                    "pm.expect(data.status).to.equal('ok'); "
                    f"pm.expect(data.service).to.equal('{service}');",
                ),
            ),
        ),
        make(
            label + "GET /ready",
            "GET",
            "/ready",
            token=None,
            keys=("status", "database", "redis", "authUser", "breaker")
            if is_chat
            else ("status", "checks"),
            checks=(("ready", "pm.expect(data.status).to.equal('ready');"),),
        ),
        make(
            label + "GET /metrics",
            "GET",
            "/metrics",
            token=None,
            raw=True,
            checks=(
                header("Content-Type", "text/plain"),
                (
                    "request counter",
                    "pm.expect(pm.response.text()).to.include('http_requests_total');",
                ),
            ),
        ),
        *([] if is_chat else [jwks()]),
        auth_or_chat_spec(service),
        make(
            label + "GET /docs",
            "GET",
            "/docs",
            token=None,
            raw=True,
            checks=(
                header("Content-Type", "text/html"),
                ("Swagger UI", "pm.expect(pm.response.text()).to.include('/openapi.json');"),
            ),
        ),
    ]


def jwks() -> Call:
    return auth(
        "auth_user: GET /.well-known/jwks.json",
        "GET",
        "/.well-known/jwks.json",
        token=None,
        keys=("keys",),
        checks=(
            (
                "public keys only",
                "pm.expect(data.keys).to.be.an('array'); "
                "data.keys.forEach(k => pm.expect(k).to.not.have.property('d'));",
            ),
        ),
    )


def auth_or_chat_spec(service: str) -> Call:
    url = "{{chatUrl}}" if service == "chat_file" else "{{authUrl}}"
    return Call(
        f"{service}: GET /openapi.json",
        "GET",
        url + "/openapi.json",
        keys=("openapi", "info", "paths", "components"),
        checks=(
            ("OpenAPI 3", "pm.expect(data.openapi).to.match(/^3\\./);"),
            ("routes listed", "pm.expect(Object.keys(data.paths)).to.include('/health');"),
        ),
    )


OPS_FOLDER = [*_ops("auth_user"), *_ops("chat_file")]
