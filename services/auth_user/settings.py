"""auth_user settings, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from libs.ratelimit import RateTable
from libs.servicekit.service_settings import ServiceSettings, refuse_non_positive
from libs.servicekit.settings import (
    DEV_JWT_SECRET,
    DEVELOPMENT_ENVS,
    MIN_SECRET_BYTES,
    SettingsError,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
)
from libs.sessions.asymmetric import HS256, SigningKeys
from libs.sessions.key_settings import signing_keys

from .domain.directory_plan import ImportLimits
from .domain.model import LoginLimits, Role

DEV_MFA_KEY = "ngomna-dev-only-mfa-key-not-for-production-use"
PRIVILEGED_ROLES = (Role.ADMIN, Role.MODERATOR, Role.COMPLIANCE)
DEFAULT_SOURCE_QUERY = "SELECT matricule, nom, prenom, sexe, ministere FROM personnel"


@dataclass(frozen=True)
class Settings(ServiceSettings):
    SERVICE = "auth_user"

    jwt_secret: str = field(default=DEV_JWT_SECRET, repr=False)
    # with JWT_ALGORITHM=EdDSA/ES256: JWT_PRIVATE_KEY_FILE signs, JWT_PREVIOUS_PUBLIC_KEY_FILES
    # still verify; all published at /.well-known/jwks.json
    jwt_signing: SigningKeys | None = field(default=None, repr=False)
    database_url: str = field(default="sqlite:///var/auth_user.db", repr=False)
    mongodb_db: str = "auth_user_db"
    # per-caller budgets (libs.ratelimit): `lookup` per user on GET /<id>, /matricule, /batch,
    # /all; `service-lookup` per calling service
    rate_limits: RateTable = field(default_factory=lambda: lookup_rates({}))
    seed_demo_users: bool = False
    access_token_ttl: int = 900
    refresh_token_ttl: int = 604_800
    cookie_secure: bool = False
    password_time_cost: int = 3
    password_memory_cost: int = 65_536
    password_parallelism: int = 4
    login_limits: LoginLimits = field(default_factory=LoginLimits)
    max_content_length: int = 64 * 1024
    cors_allowed_origins: tuple[str, ...] = ("http://127.0.0.1:8003", "http://localhost:8003")
    # directory sync (docs/directory.md)
    directory_max_bytes: int = 20 * 1024 * 1024
    directory_max_rows: int = 150_000
    directory_limits: ImportLimits = field(default_factory=ImportLimits)
    directory_source_url: str = field(default="", repr=False)  # may hold a password
    directory_source_query: str = DEFAULT_SOURCE_QUERY
    directory_job_stale_seconds: int = 120  # a job silent this long: its process died
    activation_code_ttl: int = 14 * 86_400
    # second factor (docs/security.md): required for these roles; secrets sealed with the key
    mfa_required_roles: tuple[Role, ...] = ()  # from_env: admin, moderator, compliance in prod
    mfa_encryption_key: str = field(default=DEV_MFA_KEY, repr=False)
    mfa_issuer: str = "ngomna"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        shared = cls.shared_from_env(env)
        settings = cls(
            **shared,
            jwt_signing=signing_keys(env, shared["jwt_algorithm"]),
            rate_limits=lookup_rates(env),
            seed_demo_users=env_bool(env, "SEED_DEMO_USERS", False),
            access_token_ttl=env_int(env, "ACCESS_TOKEN_TTL", cls.access_token_ttl),
            refresh_token_ttl=env_int(env, "REFRESH_TOKEN_TTL", cls.refresh_token_ttl),
            cookie_secure=env_bool(env, "COOKIE_SECURE", shared["app_env"] not in DEVELOPMENT_ENVS),
            password_time_cost=env_int(env, "PASSWORD_TIME_COST", cls.password_time_cost),
            password_memory_cost=env_int(env, "PASSWORD_MEMORY_COST", cls.password_memory_cost),
            password_parallelism=env_int(env, "PASSWORD_PARALLELISM", cls.password_parallelism),
            login_limits=_login_limits(env),
            max_content_length=env_int(env, "MAX_CONTENT_LENGTH", 64 * 1024),
            cors_allowed_origins=env_list(
                env, "CORS_ALLOWED_ORIGINS", ",".join(cls.cors_allowed_origins)
            ),
            **_directory(env),
            **_mfa(env, shared["app_env"]),
        )
        settings.check()
        return settings

    def check(self) -> None:
        if self.seed_demo_users and self.app_env not in DEVELOPMENT_ENVS:
            raise SettingsError(
                "SEED_DEMO_USERS creates accounts with a public password: only with "
                f"APP_ENV=development or test, not {self.app_env}"
            )
        keys_for = self.jwt_signing.algorithm if self.jwt_signing else HS256
        if keys_for != self.jwt_algorithm:
            raise SettingsError(f"JWT_ALGORITHM={self.jwt_algorithm} has no keys of its own")
        refuse_non_positive(
            ACCESS_TOKEN_TTL=self.access_token_ttl,
            REFRESH_TOKEN_TTL=self.refresh_token_ttl,
            USER_CACHE_TTL=self.user_cache_ttl,
            USER_CACHE_L1_SIZE=self.user_cache_l1_size,
            USER_CACHE_L1_TTL=self.user_cache_l1_ttl,
            LOGIN_RATE_WINDOW=self.login_limits.window_seconds,
            LOGIN_MAX_FAILURES_PER_IP=self.login_limits.per_ip,
            LOGIN_BACKOFF_BASE=self.login_limits.backoff_base,
            LOGIN_BACKOFF_MAX=self.login_limits.backoff_max,
            LOGIN_BACKOFF_FORGET=self.login_limits.forget_after,
            DIRECTORY_MAX_BYTES=self.directory_max_bytes,
            DIRECTORY_MAX_ROWS=self.directory_max_rows,
            DIRECTORY_JOB_STALE_SECONDS=self.directory_job_stale_seconds,
            ACTIVATION_CODE_TTL=self.activation_code_ttl,
        )
        if self.login_limits.free_failures < 0:
            raise SettingsError("LOGIN_BACKOFF_FREE_FAILURES must be 0 or more")
        self._check_mfa_key()
        for name, ratio in (
            ("DIRECTORY_MAX_DEACTIVATE_RATIO", self.directory_limits.max_deactivate_ratio),
            ("DIRECTORY_MAX_ERROR_RATIO", self.directory_limits.max_error_ratio),
        ):
            if not 0 <= ratio <= 1:
                raise SettingsError(f"{name} must be between 0 and 1, got {ratio}")

    def _check_mfa_key(self) -> None:
        """Outside development/test: a key of 32 bytes or more, not the public one."""
        if self.app_env in DEVELOPMENT_ENVS:
            return
        if self.mfa_encryption_key == DEV_MFA_KEY:  # public: it is in this repository
            raise SettingsError(
                f"MFA_ENCRYPTION_KEY holds a public development key: refused when "
                f"APP_ENV={self.app_env}"
            )
        if len(self.mfa_encryption_key.encode()) < MIN_SECRET_BYTES:
            raise SettingsError(
                f"MFA_ENCRYPTION_KEY must be at least {MIN_SECRET_BYTES} bytes when "
                f"APP_ENV={self.app_env}"
            )


def _login_limits(env: Mapping[str, str]) -> LoginLimits:
    if env.get("LOGIN_MAX_ATTEMPTS_PER_MATRICULE", "").strip():
        raise SettingsError(
            "LOGIN_MAX_ATTEMPTS_PER_MATRICULE is gone: failed logins now back off per "
            "(matricule, client IP) instead of locking the account (LOGIN_BACKOFF_*)"
        )
    defaults = LoginLimits()
    per_ip = env_int(env, "LOGIN_MAX_ATTEMPTS_PER_IP", defaults.per_ip)  # the older name
    return LoginLimits(
        free_failures=env_int(env, "LOGIN_BACKOFF_FREE_FAILURES", defaults.free_failures),
        backoff_base=env_float(env, "LOGIN_BACKOFF_BASE", defaults.backoff_base),
        backoff_max=env_float(env, "LOGIN_BACKOFF_MAX", defaults.backoff_max),
        forget_after=env_int(env, "LOGIN_BACKOFF_FORGET", defaults.forget_after),
        per_ip=env_int(env, "LOGIN_MAX_FAILURES_PER_IP", per_ip),
        window_seconds=env_int(env, "LOGIN_RATE_WINDOW", defaults.window_seconds),
    )


def lookup_rates(env: Mapping[str, str]) -> RateTable:
    """`RATE_LIMIT_LOOKUP` (per user) and `RATE_LIMIT_SERVICE_LOOKUP` (per calling service);
    the older `LOOKUP_RATE_PER_MINUTE` / `SERVICE_LOOKUP_RATE_PER_MINUTE` still set them."""
    per_user = env_int(env, "LOOKUP_RATE_PER_MINUTE", 600)
    per_service = env_int(env, "SERVICE_LOOKUP_RATE_PER_MINUTE", 12_000)
    return RateTable.from_env(
        env, {"lookup": f"{per_user}/1m", "service-lookup": f"{per_service}/1m"}
    )


def _directory(env: Mapping[str, str]) -> dict[str, Any]:
    limits = ImportLimits(
        max_deactivate_ratio=env_float(env, "DIRECTORY_MAX_DEACTIVATE_RATIO", 0.05),
        max_error_ratio=env_float(env, "DIRECTORY_MAX_ERROR_RATIO", 0.01),
    )
    return {
        "directory_max_bytes": env_int(env, "DIRECTORY_MAX_BYTES", Settings.directory_max_bytes),
        "directory_max_rows": env_int(env, "DIRECTORY_MAX_ROWS", Settings.directory_max_rows),
        "directory_limits": limits,
        "directory_source_url": env.get("DIRECTORY_SOURCE_URL", "").strip(),
        "directory_source_query": env_str(env, "DIRECTORY_SOURCE_QUERY", DEFAULT_SOURCE_QUERY),
        "directory_job_stale_seconds": env_int(env, "DIRECTORY_JOB_STALE_SECONDS", 120),
        "activation_code_ttl": env_int(env, "ACTIVATION_CODE_TTL", Settings.activation_code_ttl),
    }


def _mfa(env: Mapping[str, str], app_env: str) -> dict[str, Any]:
    """`MFA_REQUIRED_ROLES` (comma-separated; empty: none) defaults to the privileged roles,
    except in development and test, where the demo admin logs in without a second factor."""
    raw = env.get("MFA_REQUIRED_ROLES")
    if raw is None:
        roles: tuple[Role, ...] = () if app_env in DEVELOPMENT_ENVS else PRIVILEGED_ROLES
    else:
        try:
            roles = tuple(Role(r.strip()) for r in raw.split(",") if r.strip())
        except ValueError:
            raise SettingsError(f"MFA_REQUIRED_ROLES: roles are {', '.join(Role)}") from None
    key = env.get("MFA_ENCRYPTION_KEY", "")
    if app_env in DEVELOPMENT_ENVS:
        key = key or DEV_MFA_KEY
    return {
        "mfa_required_roles": roles,
        "mfa_encryption_key": key,
        "mfa_issuer": env_str(env, "MFA_ISSUER", "ngomna"),
    }
