"""flask-jwt-extended set-up: our token shape, and every failure as a 401 in our envelope.

The token codec's own knowledge (the config key of the current `kid`, reading claims into
`TokenClaims`) comes from the composition root as a `TokenShape`: this layer never imports the
adapters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask, Response
from flask_jwt_extended import JWTManager, get_jwt
from flask_jwt_extended.exceptions import CSRFError

from ...domain.errors import (
    CsrfError,
    InvalidTokenError,
    MissingTokenError,
    TokenExpiredError,
    TokenRevokedError,
)
from ...domain.model import TokenClaims
from ...settings import Settings
from ...token_keys import TokenKeys, token_keys
from .context import services
from .errors import error_response

ACCESS_COOKIE = "accessToken"
REFRESH_COOKIE = "refreshToken"
CSRF_HEADER = "X-CSRF-TOKEN"
JWKS_CONFIG = "NGOMNA_JWKS"  # the public keys' JWK Set, served by jwks_routes.py


@dataclass(frozen=True)
class TokenShape:
    """What the token codec decides: where the current key id goes in the app config, and how
    a verified payload reads as `TokenClaims`."""

    kid_config: str
    claims: Callable[[dict[str, Any]], TokenClaims]


def jwt_config(settings: Settings, kid_config: str, keys: TokenKeys) -> dict[str, Any]:
    return {
        "JWT_SECRET_KEY": settings.jwt_secret,
        kid_config: keys.current_kid,
        JWKS_CONFIG: keys.jwks,
        "JWT_ALGORITHM": keys.algorithm,
        "JWT_DECODE_ALGORITHMS": [keys.algorithm],  # never another (no algorithm confusion)
        "JWT_IDENTITY_CLAIM": "id",
        "JWT_TOKEN_LOCATION": ["headers", "cookies"],
        "JWT_ACCESS_COOKIE_NAME": ACCESS_COOKIE,
        "JWT_REFRESH_COOKIE_NAME": REFRESH_COOKIE,
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(seconds=settings.access_token_ttl),
        "JWT_REFRESH_TOKEN_EXPIRES": timedelta(seconds=settings.refresh_token_ttl),
        # Double-submit CSRF for cookie-authenticated writes: tokens carry a `csrf` claim, the
        # readable `csrf_access_token` cookie holds it, clients echo it in X-CSRF-TOKEN.
        "JWT_COOKIE_CSRF_PROTECT": True,
        "JWT_CSRF_IN_COOKIES": True,
        "JWT_ACCESS_CSRF_HEADER_NAME": CSRF_HEADER,
        "JWT_REFRESH_CSRF_HEADER_NAME": CSRF_HEADER,
        "JWT_COOKIE_SECURE": settings.cookie_secure,
        "JWT_COOKIE_SAMESITE": "Lax",
    }


def _failure(error: type[Exception]) -> tuple[Response, int]:
    instance: Any = error()
    return error_response(instance.code, instance.message)


def token_locale() -> str | None:
    """The `locale` claim of the request's verified access token (the user's profile language
    when the token was issued), or None when no token was verified."""
    try:
        locale = get_jwt().get("locale")
    except RuntimeError:  # no verified token in this request
        return None
    return locale if isinstance(locale, str) else None


def install_jwt(app: Flask, settings: Settings, shape: TokenShape) -> JWTManager:
    """Configure the extension and replace every default (422/JSON `msg`) error reply."""
    keys = token_keys(settings.keys, settings.jwt_signing)
    app.config.update(jwt_config(settings, shape.kid_config, keys))
    manager = JWTManager(app)
    _install_keys(manager, keys)
    _install_failures(manager)
    _install_revocation(manager, shape)

    @app.errorhandler(CSRFError)
    def csrf_failed(_exc: CSRFError) -> tuple[Response, int]:
        return _failure(CsrfError)

    return manager


def _install_keys(manager: JWTManager, keys: TokenKeys) -> None:
    @manager.encode_key_loader
    def signing_key(_identity: Any) -> Any:
        return keys.signing_key

    @manager.decode_key_loader
    def verifying_key(header: dict[str, Any], _payload: dict[str, Any]) -> Any:
        """The key named by `kid` (current or previous); an unknown id gets a key nobody
        signs with, so the signature check refuses the token (401 INVALID_TOKEN)."""
        return keys.key_for(header.get("kid"))

    @manager.token_verification_loader
    def has_expiry(_header: dict[str, Any], payload: dict[str, Any]) -> bool:
        return isinstance(payload.get("exp"), int)


def _install_failures(manager: JWTManager) -> None:
    """Every refusal in our envelope: MISSING_TOKEN, TOKEN_EXPIRED, INVALID_TOKEN."""

    @manager.unauthorized_loader
    def missing(_reason: str) -> tuple[Response, int]:
        return _failure(MissingTokenError)

    @manager.expired_token_loader
    def expired(_header: dict[str, Any], _payload: dict[str, Any]) -> tuple[Response, int]:
        return _failure(TokenExpiredError)

    @manager.invalid_token_loader
    def invalid(_reason: str) -> tuple[Response, int]:
        return _failure(InvalidTokenError)

    def invalid_claims(_header: dict[str, Any], _payload: dict[str, Any]) -> tuple[Response, int]:
        return _failure(InvalidTokenError)

    manager.needs_fresh_token_loader(invalid_claims)
    manager.token_verification_failed_loader(invalid_claims)
    manager.user_lookup_error_loader(invalid_claims)


def _install_revocation(manager: JWTManager, shape: TokenShape) -> None:
    @manager.token_in_blocklist_loader
    def revoked(_header: dict[str, Any], payload: dict[str, Any]) -> bool:
        """The in-memory revocation mirror (no Redis call); a stale one past the fail-closed
        limit raises REVOCATION_STATE_STALE (503)."""
        try:
            services().auth.sessions.check(shape.claims(payload))
        except TokenRevokedError:
            return True
        return False

    @manager.revoked_token_loader
    def revoked_reply(_header: dict[str, Any], _payload: dict[str, Any]) -> tuple[Response, int]:
        return _failure(TokenRevokedError)
