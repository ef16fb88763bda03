"""The web consoles' languages: the shared script (`static/i18n.js`) and each console's
catalogue as JSON (`i18n/<locale>.json`: French text → its translation), routes any console
blueprint adds beside its page."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, jsonify, send_from_directory

from .i18n import LOCALES, catalogue

STATIC = Path(__file__).with_name("static")


def add_language_routes(bp: Blueprint, prefix: str, locales_dir: Path) -> None:
    """`GET <prefix>i18n.js` and `GET <prefix>i18n/<fr|en>.json` on `bp`."""

    @bp.get(f"{prefix}i18n.js")
    def i18n_script() -> Response:
        return send_from_directory(STATIC, "i18n.js", max_age=0)

    @bp.get(f"{prefix}i18n/<locale>.json")
    def i18n_texts(locale: str) -> Response:
        if locale not in LOCALES:
            abort(404)
        response = jsonify(catalogue(locales_dir).entries(locale))
        response.headers["Cache-Control"] = "no-cache"
        return response
