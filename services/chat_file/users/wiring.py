"""`token_keys(settings)`: what chat_file verifies access tokens with (`JWT_ALGORITHM`)."""

from __future__ import annotations

from libs.sessions import KeyRing
from libs.sessions.asymmetric import HS256
from services.chat_file.settings import Settings
from services.chat_file.users.adapters.jwks import JwksKeys


def token_keys(settings: Settings) -> KeyRing | JwksKeys:
    """The keys access tokens are verified with: the HS256 secrets, or auth_user's public keys
    (fetched here, at start; a failure is logged and retried when the first token comes)."""
    if settings.jwt_algorithm == HS256:
        return settings.keys
    keys = JwksKeys(
        settings.jwt_jwks_url or f"{settings.auth_user_service_url}/.well-known/jwks.json",
        settings.jwt_algorithm,
        ca_file=settings.tls_ca_file,
        timeout=min(settings.auth_user_timeout, 2.0),
        refresh_interval=settings.jwt_jwks_refresh_interval,
    )
    keys.refresh()
    return keys
