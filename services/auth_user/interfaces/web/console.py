"""The admin console: static HTML + JS served at /admin/console/ by auth_user itself, so it
calls the admin API from the same origin with the session cookies (and the X-CSRF-TOKEN header
on every write). No build step; a strict Content-Security-Policy (scripts and styles from this
origin only). Not at `/admin/`: `GET /admin` must stay the user lookup `GET /<id or matricule>`
(a rule ending in `/admin/` would redirect it)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

from libs.servicekit.console_languages import add_language_routes

STATIC = Path(__file__).with_name("static")
LOCALES = Path(__file__).with_name("locales")  # the console's own texts (French → English)
ASSETS = ("admin.js", "admin.css")
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

# "console." endpoints are left out of the OpenAPI spec (pages, not API routes).
bp = Blueprint("console", __name__)


@bp.get("/admin/console/")
def index() -> Response:
    return _guarded(send_from_directory(STATIC, "index.html", max_age=0))


@bp.get("/admin/console/<any('admin.js', 'admin.css'):name>")
def asset(name: str) -> Response:
    return _guarded(send_from_directory(STATIC, name, max_age=0))


add_language_routes(bp, "/admin/console/", LOCALES)  # i18n.js, i18n/<fr|en>.json


def _guarded(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
