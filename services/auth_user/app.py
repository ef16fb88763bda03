"""`create_app`: the auth_user Flask application."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from libs.servicekit.cors import install_cors
from libs.servicekit.edge import install_service_edge
from libs.servicekit.http import install_json_errors, install_languages
from libs.servicekit.i18n import catalogue
from libs.servicekit.json_provider import OrjsonProvider
from libs.servicekit.observability import (
    Metrics,
    install_observability,
    install_rate_limit_metrics,
)
from libs.servicekit.openapi import install_openapi
from libs.servicekit.settings import process_env

from .application.audit import LOGIN_FAILED, RATE_LIMITED
from .application.demo import seed_demo_users
from .bootstrap import TOKEN_SHAPE, Services, build
from .domain.model import AuditEvent
from .interfaces.http import (
    account_routes,
    activation_routes,
    audit_routes,
    auth_routes,
    directory_routes,
    health,
    jwks_routes,
    mfa_routes,
    org_routes,
    session_routes,
    user_routes,
)
from .interfaces.http.context import EXTENSION
from .interfaces.http.errors import STATUS_BY_CODE, install_store_errors
from .interfaces.http.jwt import install_jwt, token_locale
from .interfaces.web import console
from .settings import Settings

logger = logging.getLogger(__name__)
LOCALES_DIR = Path(__file__).resolve().parent / "locales"  # auth_user's own catalogue

API_DESCRIPTION = (
    "Users and sessions. Success bodies are raw payloads; errors are "
    "{success: false, message, code}. Access tokens (15 min) go in `Authorization: Bearer` or "
    "the `accessToken` cookie; cookie-authenticated writes must echo the `csrf_access_token` "
    "cookie in `X-CSRF-TOKEN` (and `/refresh`, `/logout` the `csrf_refresh_token` cookie). "
    "Refresh tokens (7 days) rotate on every use; a reused one revokes its whole family."
)


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    """Build the services (`overrides` go to `build`) and the app around them."""
    settings = settings or Settings.from_env(process_env())
    services = build(settings, **overrides)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_content_length
    install_service_edge(app, settings)  # client IP behind proxies (login back-off), /metrics
    app.json = OrjsonProvider(app)
    app.json.sort_keys = False
    app.extensions[EXTENSION] = services
    install_json_errors(app, STATUS_BY_CODE)
    install_languages(app, catalogue(LOCALES_DIR), token_locale)
    install_store_errors(app)
    install_jwt(app, settings, TOKEN_SHAPE)
    _install_metrics(install_observability(app, "auth_user"), services)
    install_cors(app, settings.cors_allowed_origins)  # browsers on the chat_file console origin
    _install_routes(app)
    if services.listener is not None:  # revocations mirrored from Redis (libs/sessions)
        services.listener.start()
    if settings.seed_demo_users:
        created = seed_demo_users(services.users)
        logger.info("demo users seeded: %s", ", ".join(created) or "already present")
    return app


def _install_routes(app: Flask) -> None:
    blueprints = (health, jwks_routes, auth_routes, session_routes, audit_routes, org_routes)
    routes = (account_routes, mfa_routes, directory_routes, activation_routes, console, user_routes)
    for blueprint in (*blueprints, *routes):
        app.register_blueprint(blueprint.bp)
    install_openapi(
        app,
        title="ngomna auth_user",
        version="1.0.0",
        status_by_code=STATUS_BY_CODE,
        enveloped=False,
        description=API_DESCRIPTION,
    )


def _install_metrics(metrics: Metrics, services: Services) -> None:
    _count_security_events(metrics, services)
    install_rate_limit_metrics(metrics, services.limiter)
    metrics.gauge(
        "revocation_mirror_stale_seconds",
        "Seconds since this process's revocation mirror stopped following Redis (0 = fresh)",
        lambda: [({}, services.mirror.staleness())],
    )


def _count_security_events(metrics: Metrics, services: Services) -> None:
    """Login failures by reason and rate-limit refusals by scope, from the audit events."""
    failures = metrics.counter("auth_login_failures_total", "Refused logins", ["reason"])
    limited = metrics.counter("auth_rate_limited_total", "Rate-limit refusals", ["scope"])

    def count(event: AuditEvent) -> None:
        if event.kind == LOGIN_FAILED:
            failures.labels(reason=event.detail).inc()
        elif event.kind == RATE_LIMITED:
            limited.labels(scope=event.detail.split(" ")[0]).inc()

    services.auth.sessions.audit.observe(count)
