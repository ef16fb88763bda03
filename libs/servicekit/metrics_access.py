"""Who may read /metrics (standard library only: gunicorn.conf.py imports the observability
module before the gevent worker patches `ssl`, so nothing here may import requests or urllib3).

Served to (1) a request carrying `Authorization: Bearer <METRICS_TOKEN>`, (2) a request that
arrived on the internal listener `METRICS_BIND` (gunicorn listens there too), or (3) when
neither is set, a request from a loopback address that no proxy relayed (no
`X-Forwarded-For`/`Forwarded`: nginx on the same host adds one). Anything else gets 403.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import Any

METRICS_ACCESS = "metrics_access"  # app.extensions key


@dataclass(frozen=True)
class MetricsAccess:
    token: str = field(default="", repr=False)
    internal_port: int | None = None

    def allows(self, environ: dict[str, Any]) -> bool:
        bearer = _bearer(environ)
        if self.token and bearer is not None:
            return hmac.compare_digest(bearer, self.token)
        if self.internal_port is not None and _local_port(environ) == self.internal_port:
            return True
        if self.token or self.internal_port is not None:
            return False
        return _direct_loopback(environ)


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
