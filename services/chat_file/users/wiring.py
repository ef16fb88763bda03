"""The users context's part of a composition root: the user directory (the shared cache, then
auth_user behind a circuit breaker) and the access-token verifier, from the configuration the
root passes (chat_file's `Settings` has every field `UsersConfig` names)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import redis

from libs.sessions import KeyRing, RevocationMirror
from libs.sessions.asymmetric import HS256
from libs.usercache import UserCache, local_profiles
from services.chat_file.users.adapters.auth_client import HttpAuthUserClient
from services.chat_file.users.adapters.jwks import JwksKeys
from services.chat_file.users.adapters.tokens import JwtVerifier, VerificationKeys
from services.chat_file.users.application.breaker import CircuitBreaker
from services.chat_file.users.application.directory import UserDirectory
from services.chat_file.users.application.ports import ProfileCache, ProfileSource


class UsersConfig(Protocol):
    @property
    def user_cache_prefix(self) -> str: ...
    @property
    def user_cache_ttl(self) -> int: ...
    @property
    def user_cache_l1(self) -> bool: ...
    @property
    def user_cache_l1_size(self) -> int: ...
    @property
    def user_cache_l1_ttl(self) -> float: ...
    @property
    def auth_user_service_url(self) -> str: ...
    @property
    def auth_user_timeout(self) -> float: ...
    @property
    def auth_user_attempts(self) -> int: ...
    @property
    def service_secret(self) -> str: ...
    @property
    def tls_ca_file(self) -> str: ...
    @property
    def breaker_failures(self) -> int: ...
    @property
    def breaker_reset_seconds(self) -> float: ...
    @property
    def negative_cache_seconds(self) -> float: ...
    @property
    def jwt_algorithm(self) -> str: ...
    @property
    def keys(self) -> KeyRing: ...
    @property
    def jwt_jwks_url(self) -> str: ...
    @property
    def jwt_jwks_refresh_interval(self) -> float: ...
    @property
    def revocation_max_staleness(self) -> int: ...


@dataclass(frozen=True)
class Directory:
    """The user directory as wired, with the adapters a root reports on."""

    directory: UserDirectory
    cache: ProfileCache
    auth_client: ProfileSource

    def probes(self) -> dict[str, Callable[[], Any]]:
        """Readiness checks: auth_user reachable, the breaker's state."""
        return {"authUser": self.auth_client.ping, "breaker": lambda: self.directory.breaker.state}


def wire_directory(
    config: UsersConfig,
    client: redis.Redis,
    *,
    cache: ProfileCache | None = None,
    auth_client: ProfileSource | None = None,
    breaker: CircuitBreaker | None = None,
    directory: UserDirectory | None = None,
) -> Directory:
    """Who an id is: the shared cache (L1 + Redis `client`), then auth_user's batch endpoint
    behind a circuit breaker."""
    cache = cache or UserCache(
        client,
        prefix=config.user_cache_prefix,
        ttl=config.user_cache_ttl,
        local=local_profiles(
            config.user_cache_l1, config.user_cache_l1_size, config.user_cache_l1_ttl
        ),
    )
    auth_client = auth_client or HttpAuthUserClient(
        config.auth_user_service_url,
        config.auth_user_timeout,
        config.service_secret,
        ca_file=config.tls_ca_file,
        attempts=config.auth_user_attempts,
    )
    directory = directory or UserDirectory(
        cache,
        auth_client,
        breaker or CircuitBreaker(config.breaker_failures, config.breaker_reset_seconds),
        negative_ttl=config.negative_cache_seconds,
    )
    return Directory(directory, cache, auth_client)


def wire_verifier(
    config: UsersConfig, keys: KeyRing | VerificationKeys | None = None
) -> tuple[JwtVerifier, dict[str, Callable[[], Any]]]:
    """Who is calling: access tokens checked locally, and a revocation mirror; with the
    readiness checks of both (the mirror follows revocations; auth_user's public keys came)."""
    keys = keys or token_keys(config)
    verifier = JwtVerifier(keys, mirror=RevocationMirror(config.revocation_max_staleness))
    probes: dict[str, Callable[[], Any]] = {"revocations": verifier.mirror.status}
    if isinstance(keys, JwksKeys):  # EdDSA/ES256: no token verifies before the keys came
        jwks = keys
        probes["tokenKeys"] = lambda: jwks.fetched
    return verifier, probes


def token_keys(config: UsersConfig) -> KeyRing | JwksKeys:
    """The keys access tokens are verified with: the HS256 secrets, or auth_user's public keys
    (fetched here, at start; a failure is logged and retried when the first token comes)."""
    if config.jwt_algorithm == HS256:
        return config.keys
    keys = JwksKeys(
        config.jwt_jwks_url or f"{config.auth_user_service_url}/.well-known/jwks.json",
        config.jwt_algorithm,
        ca_file=config.tls_ca_file,
        timeout=min(config.auth_user_timeout, 2.0),
        refresh_interval=config.jwt_jwks_refresh_interval,
    )
    keys.refresh()
    return keys
