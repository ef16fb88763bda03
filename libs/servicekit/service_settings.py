"""`ServiceSettings`: the settings both services read from the same variables, the same way.

Each service's frozen `Settings` subclasses it (overriding a default where its own differs) and
starts its `from_env` with `cls.shared_from_env(env)`: tokens and their signing keys, Redis, the
user-profile cache, the database, the revocation mirror, and the service's edge (trusted
proxies, who may read /metrics, the egress guard's settings).

`APP_ENV` unset means production: the public development secrets are used only when
`APP_ENV=development` or `test` is given explicitly. (A `ServiceSettings` built directly in
code, as tests do, defaults to development.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from libs.egress.policy import EgressSettings
from libs.sessions.asymmetric import HS256
from libs.sessions.key_settings import jwt_algorithm, token_secret
from libs.sessions.keys import KeyRing, secrets_list
from libs.usercache import DEFAULT_L1_SIZE, DEFAULT_L1_TTL, DEFAULT_PREFIX, DEFAULT_TTL

from .settings import (
    DEV_SERVICE_SECRET,
    DEVELOPMENT_SECRETS,
    SettingsError,
    app_env,
    database_url,
    env_bool,
    env_float,
    env_int,
    env_str,
    redis_sentinels,
    refuse_development_secrets,
    service_secret,
)
from .sql import SqlPool
from .stores import DEFAULT_SENTINEL_SERVICE

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass(frozen=True)
class ServiceSettings:
    SERVICE: ClassVar[str] = ""  # names the default SQLite file, var/<SERVICE>.db

    app_env: str = "development"
    jwt_secret: str = field(default="", repr=False)
    jwt_previous_secrets: tuple[str, ...] = field(default=(), repr=False)
    jwt_algorithm: str = HS256  # or EdDSA/ES256: no jwt_secret (libs/sessions/asymmetric.py)
    service_secret: str = field(default=DEV_SERVICE_SECRET, repr=False)
    redis_url: str = DEFAULT_REDIS_URL
    redis_key_prefix: str = ""
    redis_sentinels: tuple[tuple[str, int], ...] = ()  # the primary comes from them
    redis_sentinel_service: str = DEFAULT_SENTINEL_SERVICE
    user_cache_prefix: str = DEFAULT_PREFIX
    user_cache_ttl: int = DEFAULT_TTL
    user_cache_l1: bool = True  # in-process L1, kept true by Redis invalidations
    user_cache_l1_size: int = DEFAULT_L1_SIZE
    user_cache_l1_ttl: float = DEFAULT_L1_TTL
    database_url: str = field(default="", repr=False)
    mongodb_db: str = ""
    db_pool: SqlPool = field(default_factory=SqlPool)  # DB_POOL_SIZE, _OVERFLOW, _TIMEOUT
    revocation_max_staleness: int = 0  # seconds; 0 = keep serving on the last known state
    tls_ca_file: str = ""  # CA bundle for rediss:// and https calls (empty: system trust)
    trusted_proxy_hops: int = 0  # proxies in front whose X-Forwarded-For/-Proto are believed
    metrics_token: str = field(default="", repr=False)  # Bearer token /metrics asks for
    metrics_bind: str = ""  # host:port of an internal listener where /metrics needs no token
    egress: EgressSettings = field(default_factory=EgressSettings)

    @property
    def keys(self) -> KeyRing:
        return KeyRing(self.jwt_secret, self.jwt_previous_secrets)

    @property
    def development_secrets(self) -> tuple[str, ...]:
        """The settings holding a public development secret (for the warning at start)."""
        held = {
            "JWT_SECRET": (self.jwt_secret,),
            "JWT_PREVIOUS_SECRETS": self.jwt_previous_secrets,
            "SERVICE_SECRET": (self.service_secret,),
        }
        return tuple(name for name, values in held.items() if DEVELOPMENT_SECRETS & set(values))

    @classmethod
    def shared_from_env(cls, env: Mapping[str, str]) -> dict[str, Any]:
        """The shared fields' values, as keyword arguments for the subclass's constructor."""
        environment = app_env(env)
        shared = {
            "app_env": environment,
            **_secrets(env, environment),
            **_redis(env),
            **_user_cache(env),
            **_edge(env, environment),
            "database_url": database_url(env, cls.SERVICE),
            "mongodb_db": env_str(env, "MONGODB_DB", cls.mongodb_db),
            "db_pool": SqlPool.from_env(env),
            "revocation_max_staleness": env_int(env, "REVOCATION_MAX_STALENESS", 0),
            "tls_ca_file": env.get("TLS_CA_FILE", "").strip(),
        }
        if shared["trusted_proxy_hops"] < 0:
            raise SettingsError("TRUSTED_PROXY_HOPS must be 0 or more")
        refuse_non_positive(
            USER_CACHE_L1_SIZE=shared["user_cache_l1_size"],
            USER_CACHE_L1_TTL=shared["user_cache_l1_ttl"],
        )
        return shared


def refuse_non_positive(**values: float) -> None:
    """`SettingsError` naming the first variable whose value is zero or negative."""
    for name, value in values.items():
        if value <= 0:
            raise SettingsError(f"{name} must be positive, got {value}")


def _secrets(env: Mapping[str, str], app_env: str) -> dict[str, Any]:
    algorithm = jwt_algorithm(env)
    previous = secrets_list(env.get("JWT_PREVIOUS_SECRETS", ""))
    refuse_development_secrets("JWT_PREVIOUS_SECRETS", previous, app_env)
    return {
        "jwt_algorithm": algorithm,
        "jwt_secret": token_secret(env, app_env, algorithm),
        "jwt_previous_secrets": previous,
        "service_secret": service_secret(env, app_env),
    }


def _edge(env: Mapping[str, str], app_env: str) -> dict[str, Any]:
    bind = env.get("METRICS_BIND", "").strip()
    if bind and not bind.rpartition(":")[2].isdigit():
        raise SettingsError(f"METRICS_BIND is host:port, got {bind!r}")
    return {
        "trusted_proxy_hops": env_int(env, "TRUSTED_PROXY_HOPS", 0),
        "metrics_token": env.get("METRICS_TOKEN", "").strip(),
        "metrics_bind": bind,
        "egress": EgressSettings.from_env(env, app_env),
    }


def _redis(env: Mapping[str, str]) -> dict[str, Any]:
    return {
        "redis_url": env_str(env, "REDIS_URL", DEFAULT_REDIS_URL),
        "redis_key_prefix": env.get("REDIS_KEY_PREFIX", "").strip(),
        "redis_sentinels": redis_sentinels(env),
        "redis_sentinel_service": env_str(env, "REDIS_SENTINEL_SERVICE", DEFAULT_SENTINEL_SERVICE),
    }


def _user_cache(env: Mapping[str, str]) -> dict[str, Any]:
    return {
        "user_cache_prefix": env_str(env, "USER_CACHE_PREFIX", DEFAULT_PREFIX),
        "user_cache_ttl": env_int(env, "USER_CACHE_TTL", DEFAULT_TTL),
        "user_cache_l1": env_bool(env, "USER_CACHE_L1", True),
        "user_cache_l1_size": env_int(env, "USER_CACHE_L1_SIZE", DEFAULT_L1_SIZE),
        "user_cache_l1_ttl": env_float(env, "USER_CACHE_L1_TTL", DEFAULT_L1_TTL),
    }
