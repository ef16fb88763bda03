"""Between the network and a service: the client address behind trusted proxies, who may
read /metrics (`metrics_access.py`), and a loud warning while public development secrets are
in use. `install_service_edge(app, settings)` is called once by each service's `create_app`.
"""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .metrics_access import METRICS_ACCESS, MetricsAccess
from .service_settings import ServiceSettings

logger = logging.getLogger(__name__)


def install_service_edge(app: Flask, settings: ServiceSettings) -> None:
    if settings.trusted_proxy_hops:  # client IP and scheme from X-Forwarded-For / -Proto
        hops = settings.trusted_proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    port = settings.metrics_bind.rpartition(":")[2]
    access = MetricsAccess(settings.metrics_token, int(port) if port else None)
    app.extensions[METRICS_ACCESS] = access
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
