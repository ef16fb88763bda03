"""Reading settings from the environment (used by each service's frozen `Settings`)."""

from __future__ import annotations

import os
from collections.abc import Mapping

DEV_JWT_SECRET = "ngomna-dev-only-secret-not-for-production-use"
MIN_SECRET_BYTES = 32
DEVELOPMENT_ENVS = frozenset({"development", "test"})


class SettingsError(ValueError):
    """The environment describes a configuration the service refuses to start with."""


def env_str(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip()
    return value or default


def env_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from exc


def env_float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from exc


def env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be a boolean, got {raw!r}")


def redis_sentinels(env: Mapping[str, str]) -> tuple[tuple[str, int], ...]:
    """`REDIS_SENTINELS` = `host:port,host:port,...`; empty means no Sentinel (plain REDIS_URL)."""
    raw = env.get("REDIS_SENTINELS", "").strip()
    found: list[tuple[str, int]] = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        host, _, port = item.rpartition(":")
        if not host or not port.isdigit():
            raise SettingsError(f"REDIS_SENTINELS entries are host:port, got {item!r}")
        found.append((host, int(port)))
    return tuple(found)


def jwt_secret(env: Mapping[str, str], app_env: str) -> str:
    """`JWT_SECRET`, defaulted only in development/test; under 32 bytes is refused elsewhere."""
    return _secret(env, "JWT_SECRET", app_env, DEV_JWT_SECRET)


DEV_SERVICE_SECRET = "ngomna-dev-only-service-secret-not-for-production"
# Public (they are in this repository): accepted only with APP_ENV=development or test.
DEVELOPMENT_SECRETS = frozenset({DEV_JWT_SECRET, DEV_SERVICE_SECRET})


def app_env(env: Mapping[str, str]) -> str:
    """`APP_ENV`; unset means production. The development secrets need `development` or
    `test` given explicitly (make run and the tests do)."""
    return env_str(env, "APP_ENV", "production").lower()


def service_secret(env: Mapping[str, str], app_env: str) -> str:
    """`SERVICE_SECRET` (signs chat_file's calls to auth_user), defaulted only in
    development/test; under 32 bytes is refused elsewhere. Identical in both services."""
    return _secret(env, "SERVICE_SECRET", app_env, DEV_SERVICE_SECRET)


def refuse_development_secrets(name: str, secrets: tuple[str, ...], app_env: str) -> None:
    """Outside development/test, a public development secret anywhere in `name` stops the
    service: tokens signed with it could be made by anyone."""
    if app_env not in DEVELOPMENT_ENVS and DEVELOPMENT_SECRETS.intersection(secrets):
        raise SettingsError(
            f"{name} holds a public development secret: refused when APP_ENV={app_env}"
        )


def _secret(env: Mapping[str, str], name: str, app_env: str, development_default: str) -> str:
    secret = env.get(name, "")
    if app_env in DEVELOPMENT_ENVS:
        return secret or development_default
    if not secret:
        raise SettingsError(
            f"{name} is required when APP_ENV={app_env} (at least {MIN_SECRET_BYTES} bytes); "
            "the development secrets are used only with APP_ENV=development or test, given "
            "explicitly"
        )
    refuse_development_secrets(name, (secret,), app_env)
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise SettingsError(
            f"{name} must be at least {MIN_SECRET_BYTES} bytes when APP_ENV={app_env}"
        )
    return secret


def process_env() -> Mapping[str, str]:
    return os.environ


def database_url(env: Mapping[str, str], service: str) -> str:
    """`DATABASE_URL`; else a `MONGODB_URI` kept from older deployments; else the durable
    SQLite file `var/<service>.db`. The scheme is checked here, so a typo fails at start."""
    from .sql import DatabaseUrlError, backend_of, default_database_url

    url = env.get("DATABASE_URL", "").strip() or env.get("MONGODB_URI", "").strip()
    url = url or default_database_url(service, env_str(env, "VAR_DIR", "var"))
    try:
        backend_of(url)
    except DatabaseUrlError as exc:
        raise SettingsError(str(exc)) from None
    return url


def env_list(env: Mapping[str, str], name: str, default: str = "") -> tuple[str, ...]:
    """A comma-separated list, items stripped, empty items dropped."""
    return tuple(item.strip() for item in env_str(env, name, default).split(",") if item.strip())
