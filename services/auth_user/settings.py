"""auth_user settings, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from libs.servicekit.settings import (
    DEV_JWT_SECRET,
    DEV_SERVICE_SECRET,
    DEVELOPMENT_ENVS,
    SettingsError,
    database_url,
    env_bool,
    env_float,
    env_int,
    env_str,
    redis_sentinels,
    service_secret,
)
from libs.servicekit.stores import DEFAULT_SENTINEL_SERVICE
from libs.sessions import KeyRing, secrets_list
from libs.sessions.asymmetric import HS256, SigningKeys
from libs.sessions.key_settings import jwt_algorithm, signing_keys, token_secret
from libs.usercache import DEFAULT_L1_SIZE, DEFAULT_L1_TTL, DEFAULT_PREFIX, DEFAULT_TTL

from .domain.model import LoginLimits


@dataclass(frozen=True)
class Settings:
    app_env: str = "development"
    jwt_secret: str = field(default=DEV_JWT_SECRET, repr=False)
    jwt_previous_secrets: tuple[str, ...] = field(default=(), repr=False)
    # JWT_ALGORITHM: HS256 signs with jwt_secret; EdDSA/ES256 with jwt_signing's private key
    # (JWT_PRIVATE_KEY_FILE, JWT_PREVIOUS_PUBLIC_KEY_FILES), published at /.well-known/jwks.json
    jwt_algorithm: str = HS256
    jwt_signing: SigningKeys | None = field(default=None, repr=False)
    service_secret: str = field(default=DEV_SERVICE_SECRET, repr=False)
    lookup_rate_per_minute: int = 600  # per user on GET /<id>, /matricule, /batch, /all
    service_lookup_rate_per_minute: int = 12_000  # per calling service
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_key_prefix: str = ""
    redis_sentinels: tuple[
        tuple[str, int], ...
    ] = ()  # REDIS_SENTINELS: the primary comes from them
    redis_sentinel_service: str = DEFAULT_SENTINEL_SERVICE
    user_cache_prefix: str = DEFAULT_PREFIX
    user_cache_ttl: int = DEFAULT_TTL
    user_cache_l1: bool = True  # in-process L1, kept true by Redis invalidations
    user_cache_l1_size: int = DEFAULT_L1_SIZE
    user_cache_l1_ttl: float = DEFAULT_L1_TTL
    database_url: str = field(default="sqlite:///var/auth_user.db", repr=False)
    mongodb_db: str = "auth_user_db"
    seed_demo_users: bool = False
    access_token_ttl: int = 900
    refresh_token_ttl: int = 604_800
    cookie_secure: bool = False
    password_time_cost: int = 3
    password_memory_cost: int = 65_536
    password_parallelism: int = 4
    login_limits: LoginLimits = field(default_factory=LoginLimits)
    max_content_length: int = 64 * 1024
    trusted_proxy_hops: int = 0
    revocation_max_staleness: int = 0  # seconds; 0 = keep serving on the last known state
    tls_ca_file: str = ""  # CA bundle for rediss:// (empty: the system's trust store)
    cors_allowed_origins: tuple[str, ...] = ("http://127.0.0.1:8003", "http://localhost:8003")

    @property
    def keys(self) -> KeyRing:
        return KeyRing(self.jwt_secret, self.jwt_previous_secrets)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        app_env = env_str(env, "APP_ENV", "development")
        algorithm = jwt_algorithm(env)
        settings = cls(
            app_env=app_env,
            jwt_secret=token_secret(env, app_env, algorithm),
            jwt_algorithm=algorithm,
            jwt_signing=signing_keys(env, algorithm),
            jwt_previous_secrets=secrets_list(env.get("JWT_PREVIOUS_SECRETS", "")),
            service_secret=service_secret(env, app_env),
            lookup_rate_per_minute=env_int(env, "LOOKUP_RATE_PER_MINUTE", 600),
            service_lookup_rate_per_minute=env_int(env, "SERVICE_LOOKUP_RATE_PER_MINUTE", 12_000),
            redis_url=env_str(env, "REDIS_URL", cls.redis_url),
            redis_key_prefix=env.get("REDIS_KEY_PREFIX", "").strip(),
            redis_sentinels=redis_sentinels(env),
            redis_sentinel_service=env_str(env, "REDIS_SENTINEL_SERVICE", DEFAULT_SENTINEL_SERVICE),
            user_cache_prefix=env_str(env, "USER_CACHE_PREFIX", DEFAULT_PREFIX),
            user_cache_ttl=env_int(env, "USER_CACHE_TTL", DEFAULT_TTL),
            user_cache_l1=env_bool(env, "USER_CACHE_L1", True),
            user_cache_l1_size=env_int(env, "USER_CACHE_L1_SIZE", DEFAULT_L1_SIZE),
            user_cache_l1_ttl=env_float(env, "USER_CACHE_L1_TTL", DEFAULT_L1_TTL),
            database_url=database_url(env, "auth_user"),
            mongodb_db=env_str(env, "MONGODB_DB", cls.mongodb_db),
            seed_demo_users=env_bool(env, "SEED_DEMO_USERS", False),
            access_token_ttl=env_int(env, "ACCESS_TOKEN_TTL", cls.access_token_ttl),
            refresh_token_ttl=env_int(env, "REFRESH_TOKEN_TTL", cls.refresh_token_ttl),
            cookie_secure=env_bool(env, "COOKIE_SECURE", app_env not in DEVELOPMENT_ENVS),
            password_time_cost=env_int(env, "PASSWORD_TIME_COST", cls.password_time_cost),
            password_memory_cost=env_int(env, "PASSWORD_MEMORY_COST", cls.password_memory_cost),
            password_parallelism=env_int(env, "PASSWORD_PARALLELISM", cls.password_parallelism),
            login_limits=LoginLimits(
                per_matricule=env_int(env, "LOGIN_MAX_ATTEMPTS_PER_MATRICULE", 5),
                per_ip=env_int(env, "LOGIN_MAX_ATTEMPTS_PER_IP", 50),
                window_seconds=env_int(env, "LOGIN_RATE_WINDOW", 300),
            ),
            max_content_length=env_int(env, "MAX_CONTENT_LENGTH", 64 * 1024),
            trusted_proxy_hops=env_int(env, "TRUSTED_PROXY_HOPS", 0),
            revocation_max_staleness=env_int(env, "REVOCATION_MAX_STALENESS", 0),
            tls_ca_file=env.get("TLS_CA_FILE", "").strip(),
            cors_allowed_origins=tuple(
                o.strip()
                for o in env_str(
                    env, "CORS_ALLOWED_ORIGINS", ",".join(cls.cors_allowed_origins)
                ).split(",")
                if o.strip()
            ),
        )
        settings.check()
        return settings

    def check(self) -> None:
        keys_for = self.jwt_signing.algorithm if self.jwt_signing else HS256
        if keys_for != self.jwt_algorithm:
            raise SettingsError(f"JWT_ALGORITHM={self.jwt_algorithm} has no keys of its own")
        positive = {
            "ACCESS_TOKEN_TTL": self.access_token_ttl,
            "REFRESH_TOKEN_TTL": self.refresh_token_ttl,
            "USER_CACHE_TTL": self.user_cache_ttl,
            "USER_CACHE_L1_SIZE": self.user_cache_l1_size,
            "USER_CACHE_L1_TTL": self.user_cache_l1_ttl,
            "LOGIN_RATE_WINDOW": self.login_limits.window_seconds,
            "LOGIN_MAX_ATTEMPTS_PER_MATRICULE": self.login_limits.per_matricule,
            "LOGIN_MAX_ATTEMPTS_PER_IP": self.login_limits.per_ip,
            "LOOKUP_RATE_PER_MINUTE": self.lookup_rate_per_minute,
            "SERVICE_LOOKUP_RATE_PER_MINUTE": self.service_lookup_rate_per_minute,
        }
        for name, value in positive.items():
            if value <= 0:
                raise SettingsError(f"{name} must be positive, got {value}")
