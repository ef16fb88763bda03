"""The token-key settings both services read: `JWT_ALGORITHM`, and auth_user's key files."""

from __future__ import annotations

from collections.abc import Mapping

from libs.servicekit.settings import SettingsError, env_str, jwt_secret

from .asymmetric import ALGORITHMS, HS256, KeyFileError, SigningKeys, load_signing_keys
from .keys import secrets_list


def jwt_algorithm(env: Mapping[str, str]) -> str:
    """`JWT_ALGORITHM`: HS256 (the default, a shared secret), EdDSA or ES256."""
    algorithm = env_str(env, "JWT_ALGORITHM", HS256)
    if algorithm not in ALGORITHMS:
        raise SettingsError(f"JWT_ALGORITHM must be one of {', '.join(ALGORITHMS)}")
    return algorithm


def token_secret(env: Mapping[str, str], app_env: str, algorithm: str) -> str:
    """`JWT_SECRET`, required (outside development) with HS256 only: with an asymmetric
    algorithm no shared secret signs or verifies tokens."""
    return jwt_secret(env, app_env) if algorithm == HS256 else ""


def signing_keys(env: Mapping[str, str], algorithm: str) -> SigningKeys | None:
    """auth_user's keys for EdDSA/ES256, read once at start; a missing or unusable file stops
    the service with a message naming the setting and the path (never the key)."""
    if algorithm == HS256:
        return None
    previous = secrets_list(env.get("JWT_PREVIOUS_PUBLIC_KEY_FILES", ""))
    try:
        return load_signing_keys(algorithm, env.get("JWT_PRIVATE_KEY_FILE", "").strip(), previous)
    except KeyFileError as exc:
        raise SettingsError(str(exc)) from None
