"""`create_app(settings=None, **overrides)`: build the services, register the HTTP routes."""

from __future__ import annotations

from typing import Any

from flask import Flask, g

from libs.servicekit.cors import install_cors
from libs.servicekit.edge import install_service_edge
from libs.servicekit.http import install_json_errors, install_languages
from libs.servicekit.json_provider import OrjsonProvider
from libs.servicekit.observability import (
    Metrics,
    install_cache_metrics,
    install_observability,
    install_rate_limit_metrics,
)
from libs.servicekit.openapi import install_openapi
from services.chat_file.announcements.http import routes as announcements
from services.chat_file.bootstrap import ChatServices, build
from services.chat_file.console.console import console_blueprint
from services.chat_file.conversations.http import conversations, messages
from services.chat_file.conversations.wiring import socket_groups as conversation_socket_groups
from services.chat_file.files.http import routes as files
from services.chat_file.files.wiring import socket_groups as file_socket_groups
from services.chat_file.http import health
from services.chat_file.http.context import provide
from services.chat_file.http.errors import STATUS_BY_CODE, install_store_errors
from services.chat_file.http.user_limits import document_limits
from services.chat_file.kernel.languages import chat_catalogue
from services.chat_file.moderation.http import actions, audit, blocks, holds, reports, retention
from services.chat_file.push.http import devices, notify_prefs
from services.chat_file.push.http.metrics import install_push_metrics
from services.chat_file.realtime.socket.server import install_socketio
from services.chat_file.realtime.wiring import socket_groups as realtime_socket_groups
from services.chat_file.realtime.wiring import socketio_options
from services.chat_file.settings import Settings
from services.chat_file.sync.http import routes as sync_routes
from services.chat_file.sync.wiring import socket_groups as sync_socket_groups

EXTENSION = "chat"  # the whole `ChatServices` (tests and scripts read it; routes read bundles)


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    settings = settings or Settings.from_env()
    services = build(settings, **overrides)
    app = Flask(__name__)
    install_service_edge(app, settings)  # TRUSTED_PROXY_HOPS, who may read /metrics
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024  # JSON bodies; uploads set their own limit
    app.json = OrjsonProvider(app)
    app.json.ensure_ascii = False
    app.extensions[EXTENSION] = services
    provide(  # what the routes read, by type
        app,
        services.conversations_bundle,
        services.commands,
        services.files_bundle,
        services.push_bundle,
        services.moderation_bundle,
        services.sync_bundle,
        services.announcements_bundle,
        services.users_bundle,
        services.edge,
    )
    install_json_errors(app, STATUS_BY_CODE)
    install_languages(app, chat_catalogue(), lambda: getattr(g.get("identity"), "locale", None))
    install_store_errors(app)
    install_cors(app, settings.allowed_origins)
    _install_metrics(install_observability(app, "chat_file"), services)
    app.register_blueprint(health.bp)
    app.register_blueprint(conversations.bp)
    app.register_blueprint(messages.bp)
    app.register_blueprint(files.bp)
    app.register_blueprint(devices.bp)
    app.register_blueprint(notify_prefs.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(blocks.bp)
    app.register_blueprint(actions.bp)
    app.register_blueprint(retention.bp)
    app.register_blueprint(holds.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(sync_routes.bp)
    app.register_blueprint(announcements.bp)
    app.register_blueprint(console_blueprint(settings.auth_user_public_url))
    services.realtime.socketio.init_app(app, **socketio_options(settings))  # extensions["socketio"]
    hub, talk = services.realtime, services.conversations_bundle
    connection, realtime_groups = realtime_socket_groups(hub, services.verifier, services.directory)
    groups = [
        *realtime_groups,
        *conversation_socket_groups(talk, services.commands, hub),
        *file_socket_groups(services.files_bundle),
        *sync_socket_groups(services.sync_bundle),
    ]
    install_socketio(app, hub, connection, groups, services.verifier.mirror, services.edge.limits)
    document_limits(app)
    install_openapi(
        app,
        title="ngomna chat_file",
        version="1.0.0",
        status_by_code=STATUS_BY_CODE,
        enveloped=True,
        description=API_DESCRIPTION,
    )
    return app


API_DESCRIPTION = (
    "Conversations, messages and files. Auth: `Authorization: Bearer <accessToken>` or the "
    "`accessToken` cookie (cookie-borne POST/PUT/DELETE also need an allowed `Origin`/`Referer` "
    "or an `X-CSRF-TOKEN` equal to the access token's `csrf` claim). Errors: "
    "`{success: false, message, code}`; a non-participant gets the same 404 as a missing id."
)


def _install_metrics(metrics: Metrics, services: ChatServices) -> None:
    def directory_counts() -> list[tuple[dict[str, str], float]]:
        stats = services.directory.stats()
        return [({"kind": k}, float(v)) for k, v in stats.items() if isinstance(v, int)]

    def breaker_open() -> list[tuple[dict[str, str], float]]:
        return [({}, 0.0 if services.directory.breaker.state == "closed" else 1.0)]

    metrics.gauge("chat_user_directory_total", "User directory lookups by kind", directory_counts)
    metrics.gauge("chat_auth_user_breaker_open", "1 when calls to auth_user are cut", breaker_open)
    metrics.gauge(
        "chat_messages_sent",
        "Messages stored by this process since it started",
        lambda: [({}, float(services.conversations_bundle.sending.sent))],
    )
    metrics.gauge(
        "revocation_mirror_stale_seconds",
        "Seconds since this process's revocation mirror stopped following Redis (0 = fresh)",
        lambda: [({}, services.verifier.mirror.staleness())],
    )
    adapters = services.adapters
    install_cache_metrics(metrics, adapters.cache)
    install_rate_limit_metrics(metrics, services.edge.limits.checker)
    install_push_metrics(metrics, adapters.push_queue, adapters.push_outbox)
