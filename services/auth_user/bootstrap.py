"""The composition root: builds clients and adapters and wires the application services."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import redis

from libs.ratelimit import RateLimiter
from libs.servicekit.stores import connect_redis
from libs.sessions import RedisRevocations, RevocationListener, RevocationMirror
from libs.usercache import UserCache, local_profiles

from .application.account import AccountService
from .application.activation import ActivationService
from .application.audit import SecurityAudit
from .application.auth import AuthService
from .application.bundle import Services
from .application.directory_ports import DirectorySource
from .application.directory_sync import DirectorySync, Spawn
from .application.mfa import MfaGate, MfaService
from .application.mfa_ports import MfaChallenges
from .application.ports import (
    AuditLog,
    LoginThrottle,
    PasswordHasher,
    ProfileCache,
    RefreshTokenStore,
    RequestLimiter,
    RevocationLog,
    SessionRegistry,
    TokenCodec,
)
from .application.sessions import SessionControl
from .application.users import UserDirectory
from .domain.model import TokenClaims, TokenType
from .infrastructure.directory_source import SqlDirectorySource
from .infrastructure.jwt_tokens import KID_CONFIG, FlaskJwtTokenCodec, auth_ms_of
from .infrastructure.mfa_secrets import AesGcmSecretBox
from .infrastructure.passwords import Argon2PasswordHasher
from .infrastructure.redis_login_throttle import RedisLoginThrottle
from .infrastructure.redis_mfa import RedisMfaChallenges
from .infrastructure.redis_sessions import RedisSessionRegistry
from .infrastructure.redis_tokens import RedisRefreshTokenStore
from .infrastructure.stores import AuthStores, open_auth_stores, open_mongo_stores
from .interfaces.http.jwt import TokenShape
from .settings import Settings


def build(
    settings: Settings,
    *,
    stores: AuthStores | None = None,
    db: Any = None,
    redis_client: redis.Redis | None = None,
    hasher: PasswordHasher | None = None,
    tokens: TokenCodec | None = None,
    refresh_tokens: RefreshTokenStore | None = None,
    limiter: RequestLimiter | None = None,
    throttle: LoginThrottle | None = None,
    cache: ProfileCache | None = None,
    revocations: RevocationLog | None = None,
    registry: SessionRegistry | None = None,
    audit_log: AuditLog | None = None,
    mfa_challenges: MfaChallenges | None = None,
    spawn: Spawn | None = None,
    clock: Callable[[], float] = time.time,
) -> Services:
    """Everything the service needs; tests replace any piece by keyword (`stores=` a bundle,
    `db=` a pymongo/mongomock database for the Mongo adapter, or single adapters; `spawn=`
    runs directory imports, a daemon thread each by default)."""
    bundle = _stores(settings, stores, db)
    users = bundle.users
    redis_of = _lazy_redis(settings, redis_client)
    prefix = settings.redis_key_prefix
    refresh_tokens = refresh_tokens or RedisRefreshTokenStore(redis_of(), prefix=prefix)
    limiter = limiter or RateLimiter(redis_of(), settings.rate_limits, prefix=prefix)
    throttle = throttle or RedisLoginThrottle(
        redis_of(), settings.login_limits, prefix=prefix, clock=clock
    )
    cache = cache or _user_cache(settings, redis_of())
    hasher = hasher or _hasher(settings)
    mirror = RevocationMirror(settings.revocation_max_staleness)
    revocations, listener = _revocations(settings, redis_of, revocations, mirror)
    registry = registry or RedisSessionRegistry(redis_of(), prefix=prefix, clock=clock)
    audit = SecurityAudit(audit_log or bundle.audit)
    sessions = SessionControl(revocations, mirror, refresh_tokens, registry, audit)
    challenges = mfa_challenges or RedisMfaChallenges(redis_of(), prefix=prefix)
    gate = MfaGate(bundle.mfa, challenges, frozenset(settings.mfa_required_roles))
    auth = AuthService(
        users, hasher, tokens or FlaskJwtTokenCodec(), refresh_tokens, throttle, cache,
        sessions, clock, gate,
    )  # fmt: skip
    mfa = MfaService(
        gate, bundle.mfa, challenges, AesGcmSecretBox(settings.mfa_encryption_key), users, auth,
        throttle, settings.mfa_issuer, clock,
    )  # fmt: skip
    checks = {"database": users.ping, "redis": refresh_tokens.ping, "revocations": _fresh(mirror)}
    directory = UserDirectory(users, hasher, cache, sessions, limiter)
    account = AccountService(users, hasher, sessions, throttle, cache)
    sync = DirectorySync(
        bundle.directory, bundle.jobs, cache, sessions, settings.directory_limits,
        spawn or _import_thread, settings.directory_max_rows,
        timedelta(seconds=settings.directory_job_stale_seconds),
    )  # fmt: skip
    activation = ActivationService(
        bundle.activation, users, bundle.jobs, auth, hasher, throttle,
        timedelta(seconds=settings.activation_code_ttl),
    )  # fmt: skip
    return Services(
        settings, auth, directory, account, sync, activation, mfa, _sql_source(settings), checks,
        limiter, mirror, listener,
    )  # fmt: skip


def _sql_source(settings: Settings) -> DirectorySource | None:
    if not settings.directory_source_url:
        return None
    return SqlDirectorySource(settings.directory_source_url, settings.directory_source_query)


def _import_thread(fn: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=fn, name="directory-import", daemon=True)
    thread.start()
    return thread


def _revocations(
    settings: Settings,
    redis_of: Callable[[], redis.Redis],
    given: RevocationLog | None,
    mirror: RevocationMirror,
) -> tuple[RevocationLog, RevocationListener | None]:
    """The revocation log (Redis unless given) and the listener that mirrors it here."""
    if given is not None:
        return given, None
    log = RedisRevocations(
        redis_of(), prefix=settings.redis_key_prefix, retention_seconds=settings.refresh_token_ttl
    )
    return log, RevocationListener(redis_of(), log, mirror, spawn=_daemon_thread)


def _lazy_redis(settings: Settings, given: redis.Redis | None) -> Callable[[], redis.Redis]:
    """The shared Redis client, connected only if some adapter needs it."""
    clients: list[redis.Redis] = [given] if given is not None else []

    def shared() -> redis.Redis:
        if not clients:
            clients.append(
                connect_redis(
                    settings.redis_url,
                    sentinels=settings.redis_sentinels,
                    service=settings.redis_sentinel_service,
                    ca_file=settings.tls_ca_file,
                )
            )
        return clients[0]

    return shared


def _user_cache(settings: Settings, client: redis.Redis) -> UserCache:
    return UserCache(
        client,
        prefix=settings.user_cache_prefix,
        ttl=settings.user_cache_ttl,
        local=local_profiles(
            settings.user_cache_l1, settings.user_cache_l1_size, settings.user_cache_l1_ttl
        ),
    )


def _hasher(settings: Settings) -> PasswordHasher:
    return Argon2PasswordHasher(
        time_cost=settings.password_time_cost,
        memory_cost=settings.password_memory_cost,
        parallelism=settings.password_parallelism,
    )


def token_claims(payload: dict[str, Any]) -> TokenClaims:
    """A verified token's payload as the sessions check reads it."""
    kind = TokenType.REFRESH if payload.get("type") == "refresh" else TokenType.ACCESS
    family = payload.get("sid")
    return TokenClaims(
        user_id=str(payload.get("id", "")),
        matricule=str(payload.get("matricule", "")),
        jti=str(payload.get("jti", "")),
        type=kind,
        exp=int(payload.get("exp", 0)),
        family=family if isinstance(family, str) else None,
        auth_ms=auth_ms_of(payload),
    )


# How flask-jwt-extended meets our codec (`interfaces/http/jwt.install_jwt`).
TOKEN_SHAPE = TokenShape(kid_config=KID_CONFIG, claims=token_claims)


class RevocationsStaleError(RuntimeError):
    """/ready: the revocation mirror does not follow Redis at the moment."""


def _fresh(mirror: RevocationMirror) -> Callable[[], None]:
    def check() -> None:
        if not mirror.following():
            raise RevocationsStaleError()

    return check


def _daemon_thread(fn: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=fn, name="revocation-listener", daemon=True)
    thread.start()
    return thread


def _open(settings: Settings) -> AuthStores:
    return open_auth_stores(settings.database_url, settings.mongodb_db, settings.db_pool)


def _stores(settings: Settings, stores: AuthStores | None, db: Any) -> AuthStores:
    if db is not None:
        mock = type(db).__module__.startswith("mongomock")  # not thread-safe: serialise calls
        return open_mongo_stores(db, threading.Lock() if mock else None)
    return stores or _open(settings)
