"""The web console: static HTML + the socket.io JS client, served at `/` (no build step)."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, abort, request, send_from_directory

from libs.servicekit.console_languages import add_language_routes

STATIC = Path(__file__).with_name("static")
LOCALES = Path(__file__).with_name("locales")  # the console's own texts (French → English)
ROOT = Path(__file__).resolve().parents[3]
SOCKET_IO_DIST = ROOT / "node_modules" / "socket.io-client" / "dist"


def console_blueprint(auth_public_url: str) -> Blueprint:
    """`auth_public_url` is where browsers reach auth_user for login."""
    bp = Blueprint("console", __name__)
    config = "window.NGOMNA_CONFIG = " + json.dumps({"authUrl": auth_public_url.rstrip("/")})
    config += ";\nwindow.NGOMNA_CONFIG.chatUrl = window.location.origin;\n"

    @bp.get("/")
    def index() -> Response:
        return send_from_directory(STATIC, "index.html", max_age=0)

    @bp.get("/console.js")
    @bp.get("/console.css")
    def asset() -> Response:
        return send_from_directory(STATIC, request.path.lstrip("/"), max_age=0)

    @bp.get("/config.js")
    def config_js() -> Response:
        return Response(config, mimetype="text/javascript")

    @bp.get("/vendor/socket.io.min.js")
    def socket_io_client() -> Response:
        if not (SOCKET_IO_DIST / "socket.io.min.js").exists():
            abort(404)  # `make install` puts it there with npm
        return send_from_directory(SOCKET_IO_DIST, "socket.io.min.js", max_age=3600)

    add_language_routes(bp, "/", LOCALES)  # /i18n.js, /i18n/<fr|en>.json
    return bp
