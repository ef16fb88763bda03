"""Between the network and a service: the client address behind trusted proxies, who may
read /metrics, and a loud warning while public development secrets are in use.

`install_service_edge(app, settings)` is called once by each service's `create_app`.

/metrics is answered to (1) a request carrying `Authorization: Bearer <METRICS_TOKEN>`, (2) a
request that arrived on the internal listener `METRICS_BIND` (gunicorn listens there too), or
(3) when neither is set, a request from a loopback address that no proxy relayed (no
`X-Forwarded-For`/`Forwarded`: nginx on the same host adds one). Anything else gets 403.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .service_settings import ServiceSettings

logger = logging.getLogger(__name__)

METRICS_ACCESS = "metrics_access"  # app.extensions key


@dataclass(frozen=True)
class MetricsAccess:
    token: str = field(default="", repr=False)
    internal_port: int | None = None

    @classmethod
    def of(cls, settings: ServiceSettings) -> MetricsAccess:
        port = settings.metrics_bind.rpartition(":")[2]
        return cls(settings.metrics_token, int(port) if port else None)

    def allows(self, environ: dict[str, Any]) -> bool:
        if self.token and _bearer(environ) is not None:
            return hmac.compare_digest(_bearer(environ) or "", self.token)
        if self.internal_port is not None and _local_port(environ) == self.internal_port:
            return True
        if self.token or self.internal_port is not None:
            return False
        return _direct_loopback(environ)


def install_service_edge(app: Flask, settings: ServiceSettings) -> None:
    if settings.trusted_proxy_hops:  # client IP and scheme from X-Forwarded-For / -Proto
        hops = settings.trusted_proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.extensions[METRICS_ACCESS] = MetricsAccess.of(settings)
    warn_development_secrets(settings)


def warn_development_secrets(settings: ServiceSettings) -> None:
    names = settings.development_secrets
    if names:
        logger.warning(
            "DEVELOPMENT SECRETS IN USE (%s, APP_ENV=%s): they are public, anyone can sign "
            "tokens this service accepts. Never expose it: set real secrets and "
            "APP_ENV=production.",
            ", ".join(names),
            settings.app_env,
        )


def metrics_allowed(app: Flask, environ: dict[str, Any]) -> bool:
    access: MetricsAccess = app.extensions.get(METRICS_ACCESS, MetricsAccess())
    return access.allows(environ)


def _bearer(environ: dict[str, Any]) -> str | None:
    scheme, _, value = str(environ.get("HTTP_AUTHORIZATION", "")).partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _local_port(environ: dict[str, Any]) -> int | None:
    sock = environ.get("gunicorn.socket")  # the accepted connection: its local end
    try:
        return int(sock.getsockname()[1]) if sock is not None else None
    except (OSError, IndexError, TypeError, ValueError):
        return None


def _direct_loopback(environ: dict[str, Any]) -> bool:
    original = environ.get("werkzeug.proxy_fix.orig", {})  # before ProxyFix rewrote it
    peer = str(original.get("REMOTE_ADDR") or environ.get("REMOTE_ADDR") or "")
    relayed = environ.get("HTTP_X_FORWARDED_FOR") or environ.get("HTTP_FORWARDED")
    try:
        return not relayed and ip_address(peer.split("%", 1)[0]).is_loopback
    except ValueError:
        return False
