"""The composition root: builds clients and adapters and wires the application services."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import redis

from libs.servicekit.stores import connect_redis
from libs.sessions import RedisRevocations, RevocationListener, RevocationMirror
from libs.usercache import UserCache, local_profiles

from .application.audit import SecurityAudit
from .application.auth import AuthService
from .application.ports import (
    AuditLog,
    PasswordHasher,
    ProfileCache,
    RateLimiter,
    RefreshTokenStore,
    RevocationLog,
    SessionRegistry,
    TokenCodec,
    UserStore,
)
from .application.sessions import SessionControl
from .application.users import UserDirectory
from .infrastructure.jwt_tokens import FlaskJwtTokenCodec
from .infrastructure.passwords import Argon2PasswordHasher
from .infrastructure.redis_ratelimit import RedisRateLimiter
from .infrastructure.redis_sessions import RedisSessionRegistry
from .infrastructure.redis_tokens import RedisRefreshTokenStore
from .infrastructure.stores import AuthStores, open_auth_stores, open_mongo_stores
from .settings import Settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    auth: AuthService
    users: UserDirectory
    checks: Mapping[str, Callable[[], None]]
    mirror: RevocationMirror
    listener: RevocationListener | None


def build(
    settings: Settings,
    *,
    stores: AuthStores | None = None,
    db: Any = None,
    redis_client: redis.Redis | None = None,
    users: UserStore | None = None,
    hasher: PasswordHasher | None = None,
    tokens: TokenCodec | None = None,
    refresh_tokens: RefreshTokenStore | None = None,
    limiter: RateLimiter | None = None,
    cache: ProfileCache | None = None,
    revocations: RevocationLog | None = None,
    registry: SessionRegistry | None = None,
    audit_log: AuditLog | None = None,
    clock: Callable[[], float] = time.time,
) -> Services:
    """Everything the service needs; tests replace any piece by keyword (`stores=` a bundle,
    `db=` a pymongo/mongomock database for the Mongo adapter, or single adapters)."""
    if users is None:
        users, stored_audit = _users_and_audit(settings, stores, db)
        audit_log = audit_log or stored_audit
    clients: list[redis.Redis] = [redis_client] if redis_client is not None else []

    def shared_redis() -> redis.Redis:  # connected only if some adapter needs it
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

    prefix = settings.redis_key_prefix
    refresh_tokens = refresh_tokens or RedisRefreshTokenStore(shared_redis(), prefix=prefix)
    limiter = limiter or RedisRateLimiter(shared_redis(), prefix=prefix)
    cache = cache or UserCache(
        shared_redis(),
        prefix=settings.user_cache_prefix,
        ttl=settings.user_cache_ttl,
        local=local_profiles(
            settings.user_cache_l1, settings.user_cache_l1_size, settings.user_cache_l1_ttl
        ),
    )
    hasher = hasher or Argon2PasswordHasher(
        time_cost=settings.password_time_cost,
        memory_cost=settings.password_memory_cost,
        parallelism=settings.password_parallelism,
    )
    mirror = RevocationMirror(settings.revocation_max_staleness)
    listener = None
    if revocations is None:
        log = RedisRevocations(
            shared_redis(), prefix=prefix, retention_seconds=settings.refresh_token_ttl
        )
        listener = RevocationListener(shared_redis(), log, mirror, spawn=_daemon_thread)
        revocations = log
    sessions = SessionControl(
        revocations,
        mirror,
        refresh_tokens,
        registry or RedisSessionRegistry(shared_redis(), prefix=prefix, clock=clock),
        SecurityAudit(audit_log),
    )
    auth = AuthService(
        users,
        hasher,
        tokens or FlaskJwtTokenCodec(),
        refresh_tokens,
        limiter,
        cache,
        settings.login_limits,
        sessions,
        clock,
    )
    checks = {"database": users.ping, "redis": refresh_tokens.ping, "revocations": _fresh(mirror)}
    directory = UserDirectory(users, hasher, cache, sessions, limiter)
    return Services(settings, auth, directory, checks, mirror, listener)


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
    return open_auth_stores(settings.database_url, settings.mongodb_db)


def _users_and_audit(
    settings: Settings, stores: AuthStores | None, db: Any
) -> tuple[UserStore, AuditLog | None]:
    if db is not None:
        mock = type(db).__module__.startswith("mongomock")  # not thread-safe: serialise calls
        users, audit = open_mongo_stores(db, threading.Lock() if mock else None)
        return users, audit
    bundle = stores or _open(settings)
    return bundle.users, bundle.audit
