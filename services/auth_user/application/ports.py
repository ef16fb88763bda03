"""Ports at the I/O boundaries; adapters live in infrastructure/, fakes in tests/."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, Protocol

from libs.ratelimit import Decision

from ..domain.mfa import MfaPending
from ..domain.model import (
    AuditEvent,
    DeviceSession,
    NewUser,
    TokenClaims,
    TokenPair,
    TokenType,
    User,
)
from ..domain.org import ANY_UNIT, OrgFilter, UnitCount


class UserStore(Protocol):
    def get(self, user_id: str) -> User | None: ...

    def get_by_matricule(self, matricule: str) -> User | None: ...

    def get_many(self, user_ids: Sequence[str]) -> list[User]:
        """Users whose id is in `user_ids`, in one query; malformed ids are simply not found."""
        ...

    def get_many_by_matricule(self, matricules: Sequence[str]) -> list[User]:
        """Users whose matricule is in `matricules`, in one query."""
        ...

    def search(
        self, query: str | None, offset: int, limit: int, org: OrgFilter = ANY_UNIT
    ) -> tuple[list[User], int]:
        """A page of users of the unit `org` each word of whose `query` starts a word of nom,
        prenom or matricule (accents and case aside), in name order; and the total."""
        ...

    def org_units(self) -> list[UnitCount]:
        """Active agents per (ministère, direction, service), grouped by folded names."""
        ...

    def add(self, user: NewUser) -> User:
        """Store a new user; raises `MatriculeTakenError` if the matricule exists."""
        ...

    def update(self, user_id: str, changes: Mapping[str, Any]) -> User | None: ...

    def delete(self, user_id: str) -> bool: ...

    def ping(self) -> None: ...


class SecondFactorGate(Protocol):
    """Whether a login whose password was right still needs a second factor
    (`application.mfa.MfaGate`)."""

    def challenge(self, user: User) -> MfaPending | None: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


class TokenCodec(Protocol):
    def issue(self, user: User, family: str, auth_ms: int) -> TokenPair: ...

    def decode(self, token: str, expected: TokenType, csrf: str | None = None) -> TokenClaims:
        """Verified claims; raises `InvalidTokenError`, `TokenExpiredError` or `CsrfError`.

        `csrf` (when not None) must equal the token's double-submit `csrf` claim.
        """
        ...


class Rotation(StrEnum):
    OK = "ok"
    REUSED = "reused"
    REVOKED = "revoked"


class RefreshTokenStore(Protocol):
    """The current refresh token of each session (family): an allow-list, failing closed."""

    def start(self, family: str, jti: str, ttl: int) -> None: ...

    def rotate(self, family: str, jti: str, new_jti: str, ttl: int) -> Rotation:
        """Replace `jti` by `new_jti` atomically; any other jti ends the family (reuse)."""
        ...

    def revoke_family(self, family: str) -> None: ...

    def ping(self) -> None: ...


class RequestLimiter(Protocol):
    """Per-caller budgets shared by every process (`libs.ratelimit.RateLimiter`)."""

    def check(self, action: str, user: str) -> Decision: ...


class LoginThrottle(Protocol):
    """Failed logins per (matricule, client IP) and per client IP (rules: `LoginLimits`)."""

    def wait(self, matricule: str, ip: str) -> float:
        """Seconds before this matricule may be tried again from this IP (0: now)."""
        ...

    def failed(self, matricule: str, ip: str) -> None: ...

    def succeeded(self, matricule: str, ip: str) -> None: ...


class ProfileCache(Protocol):
    """The shared user cache (`libs.usercache.UserCache` satisfies it)."""

    def set(self, profile: Mapping[str, Any]) -> None: ...

    def set_many(self, profiles: Sequence[Mapping[str, Any]]) -> None:
        """Every profile in one round trip."""
        ...

    def delete(self, *user_ids: str) -> int: ...


class RevocationLog(Protocol):
    """Publishes revocation watermarks to every process (`libs.sessions.RedisRevocations`)."""

    def revoke_user(self, user_id: str, reason: str) -> object: ...

    def revoke_session(self, session_id: str, reason: str) -> object: ...


class RevocationCheck(Protocol):
    """This process's mirror of the watermarks (`libs.sessions.RevocationMirror`)."""

    def check(self, user_id: str, session_id: str | None, auth_ms: int) -> str:
        """A `libs.sessions.Verdict`: "valid", "revoked" or "stale"."""
        ...


class SessionRegistry(Protocol):
    """The logged-in devices of each user (for listing, and for ending all but one)."""

    def add(self, user_id: str, session: DeviceSession, ttl: int) -> None: ...

    def touch(self, user_id: str, session_id: str, at_ms: int, ttl: int) -> None: ...

    def list(self, user_id: str) -> list[DeviceSession]: ...

    def remove(self, user_id: str, session_id: str) -> bool: ...


class AuditLog(Protocol):
    """Stored security events (SQL table `audit_events`, Mongo collection `audit_events`)."""

    def record(self, *events: AuditEvent) -> None:
        """Store the events (one statement / one insert for all of them)."""
        ...

    def page(
        self, kind: str | None, user_id: str | None, offset: int, limit: int
    ) -> tuple[list[AuditEvent], int]:
        """Newest first, filtered by kind and/or user; and the total."""
        ...
