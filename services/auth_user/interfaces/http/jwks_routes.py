"""GET /.well-known/jwks.json: the public keys that verify this service's tokens."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from libs.servicekit.openapi import documented

from .jwt import JWKS_CONFIG
from .responses import JwksResponse

bp = Blueprint("jwks", __name__)


@bp.get("/.well-known/jwks.json")
@documented(
    "Public keys verifying access tokens (JWK Set): the current key and the previous ones "
    "still accepted, by `kid`. Empty with JWT_ALGORITHM=HS256 (a shared secret is never "
    "published)",
    response=JwksResponse,
    auth=False,
    tags=["ops"],
)
def jwks() -> Response:
    response = jsonify(current_app.config[JWKS_CONFIG])
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response
