"""In-memory fakes of the auth_user ports (tests/unit drives the services with these)."""

from __future__ import annotations

import itertools
import re
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from libs.ratelimit import Decision
from libs.sessions import Revocation, RevocationMirror
from services.auth_user.application.ports import Rotation
from services.auth_user.domain.errors import (
    CsrfError,
    InvalidTokenError,
    MatriculeTakenError,
    TokenExpiredError,
)
from services.auth_user.domain.model import (
    AuditEvent,
    DeviceSession,
    LoginLimits,
    NewUser,
    Role,
    TokenClaims,
    TokenPair,
    TokenType,
    User,
)

_HEX = re.compile(r"^[0-9a-f]{24}$")


def _words(text: str) -> list[str]:
    """Words without accents or case, as the SQL full-text indexes see them."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return re.findall(r"\w+", "".join(c for c in plain if not unicodedata.combining(c)))


def _prefixes_match(wanted: list[str], words: list[str]) -> bool:
    """Directory search: each word of the query starts some word of the user's names."""
    return all(any(w.startswith(q) for w in words) for q in wanted)


class FakeUserStore:
    def __init__(self) -> None:
        self.users: dict[str, User] = {}
        self.queries = 0
        self._ids = itertools.count(1)

    def get(self, user_id: str) -> User | None:
        self.queries += 1
        return self.users.get(user_id)

    def get_by_matricule(self, matricule: str) -> User | None:
        self.queries += 1
        return next((u for u in self.users.values() if u.matricule == matricule), None)

    def get_many(self, user_ids: Sequence[str]) -> list[User]:
        self.queries += 1
        return [self.users[i] for i in user_ids if _HEX.match(i) and i in self.users]

    def search(self, query: str | None, offset: int, limit: int) -> tuple[list[User], int]:
        self.queries += 1
        wanted = _words(query or "")
        if query and not wanted:
            return [], 0
        found = [
            u
            for u in sorted(self.users.values(), key=lambda u: (u.nom, u.prenom, u.id))
            if _prefixes_match(wanted, _words(f"{u.nom} {u.prenom} {u.matricule}"))
        ]
        return found[offset : offset + limit], len(found)

    def add(self, user: NewUser) -> User:
        if any(u.matricule == user.matricule for u in self.users.values()):
            raise MatriculeTakenError()
        now = datetime.now(UTC)
        stored = User(
            id=f"{next(self._ids):024x}",
            matricule=user.matricule,
            nom=user.nom,
            prenom=user.prenom,
            password_hash=user.password_hash,
            role=Role(user.role),
            email=user.email,
            profile_pic=user.profile_pic,
            ministere=user.ministere,
            sexe=user.sexe,
            created_at=now,
            updated_at=now,
        )
        self.users[stored.id] = stored
        return stored

    def update(self, user_id: str, changes: Mapping[str, Any]) -> User | None:
        if user_id not in self.users:
            return None
        values = {k: Role(v) if k == "role" else v for k, v in changes.items()}
        self.users[user_id] = replace(self.users[user_id], **values, updated_at=datetime.now(UTC))
        return self.users[user_id]

    def delete(self, user_id: str) -> bool:
        return self.users.pop(user_id, None) is not None

    def ping(self) -> None:
        return None


class FakePasswordHasher:
    def __init__(self) -> None:
        self.verifications = 0

    def hash(self, password: str) -> str:
        return f"hashed:{password}"

    def verify(self, password_hash: str, password: str) -> bool:
        self.verifications += 1
        return password_hash == f"hashed:{password}"


class FakeTokenCodec:
    """Tokens are readable strings `type|id|matricule|jti|family|exp|csrf|auth_ms`; no signature."""

    def __init__(self, clock: Any = time.time, access_ttl: int = 900, refresh_ttl: int = 3600):
        self._clock = clock
        self._ttl = {TokenType.ACCESS: access_ttl, TokenType.REFRESH: refresh_ttl}
        self._jtis = itertools.count(1)

    def make(
        self, kind: TokenType, user: User, family: str, exp: int | None = None, auth_ms: int = 0
    ) -> str:
        exp = exp if exp is not None else int(self._clock()) + self._ttl[kind]
        jti = f"jti{next(self._jtis)}"
        return f"{kind.value}|{user.id}|{user.matricule}|{jti}|{family}|{exp}|csrf-{jti}|{auth_ms}"

    def issue(self, user: User, family: str, auth_ms: int = 0) -> TokenPair:
        refresh = self.make(TokenType.REFRESH, user, family, auth_ms=auth_ms)
        _, _, _, jti, _, exp, _, _ = refresh.split("|")
        access = self.make(TokenType.ACCESS, user, family, auth_ms=auth_ms)
        return TokenPair(access, refresh, jti, int(exp))

    def decode(self, token: str, expected: TokenType, csrf: str | None = None) -> TokenClaims:
        parts = token.split("|")
        if len(parts) != 8:
            raise InvalidTokenError()
        kind, user_id, matricule, jti, family, exp, token_csrf, auth_ms = parts
        if int(exp) <= self._clock():
            raise TokenExpiredError()
        if kind != expected.value:
            raise InvalidTokenError()
        if csrf is not None and csrf != token_csrf:
            raise CsrfError()
        return TokenClaims(user_id, matricule, jti, expected, int(exp), family, int(auth_ms))


class FakeRefreshTokenStore:
    """Current jti per family (the allow-list the Redis store keeps)."""

    def __init__(self) -> None:
        self.current: dict[str, str] = {}

    def start(self, family: str, jti: str, ttl: int) -> None:
        self.current[family] = jti

    def rotate(self, family: str, jti: str, new_jti: str, ttl: int) -> Rotation:
        if family not in self.current:
            return Rotation.REVOKED
        if self.current[family] != jti:
            del self.current[family]
            return Rotation.REUSED
        self.current[family] = new_jti
        return Rotation.OK

    def revoke_family(self, family: str) -> None:
        self.current.pop(family, None)

    def ping(self) -> None:
        return None


class FakeRequestLimiter:
    """`per_caller` checks allowed per (action, caller), then refused for `retry_after` s."""

    def __init__(self, per_caller: int = 1_000_000, retry_after: float = 30.0) -> None:
        self.counts: dict[tuple[str, str], int] = {}
        self.per_caller = per_caller
        self.retry_after = retry_after

    def check(self, action: str, user: str) -> Decision:
        key = (action, user)
        self.counts[key] = self.counts.get(key, 0) + 1
        allowed = self.counts[key] <= self.per_caller
        return Decision(action, allowed, 0.0 if allowed else self.retry_after)


class FakeLoginThrottle:
    """The `LoginLimits` rules in memory, on the test's clock."""

    def __init__(self, limits: LoginLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self.clock = clock
        self.pairs: dict[tuple[str, str], tuple[int, float]] = {}  # failures, until
        self.ips: dict[str, tuple[int, float]] = {}  # failures, window end

    def wait(self, matricule: str, ip: str) -> float:
        now = self.clock()
        waits = [self.pairs.get((matricule, ip), (0, 0.0))[1] - now]
        failures, window_end = self.ips.get(ip, (0, 0.0))
        if window_end > now and failures >= self.limits.per_ip:
            waits.append(window_end - now)
        return max(0.0, *waits)

    def failed(self, matricule: str, ip: str) -> None:
        now = self.clock()
        failures = self.pairs.get((matricule, ip), (0, 0.0))[0] + 1
        self.pairs[(matricule, ip)] = (failures, now + self.limits.backoff(failures))
        count, window_end = self.ips.get(ip, (0, 0.0))
        if window_end <= now:
            count, window_end = 0, now + self.limits.window_seconds
        self.ips[ip] = (count + 1, window_end)

    def succeeded(self, matricule: str, ip: str) -> None:
        self.pairs.pop((matricule, ip), None)


class FakeProfileCache:
    def __init__(self) -> None:
        self.profiles: dict[str, dict[str, Any]] = {}

    def set(self, profile: Mapping[str, Any]) -> None:
        self.profiles[str(profile["id"])] = dict(profile)

    def delete(self, *user_ids: str) -> int:
        return sum(self.profiles.pop(u, None) is not None for u in user_ids)


class FakeRevocationLog:
    """Revocations applied straight to one process's mirror (as if published and received)."""

    def __init__(self, mirror: RevocationMirror, clock: Any = time.time) -> None:
        self.mirror = mirror
        self.log: list[Revocation] = []
        self._clock = clock

    def revoke_user(self, user_id: str, reason: str) -> Revocation:
        return self._publish(Revocation("user", user_id, int(self._clock() * 1000), reason))

    def revoke_session(self, session_id: str, reason: str) -> Revocation:
        return self._publish(Revocation("session", session_id, int(self._clock() * 1000), reason))

    def _publish(self, revocation: Revocation) -> Revocation:
        self.log.append(revocation)
        self.mirror.apply(revocation)
        return revocation


class FakeSessionRegistry:
    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, DeviceSession]] = {}

    def add(self, user_id: str, session: DeviceSession, ttl: int) -> None:
        self.sessions.setdefault(user_id, {})[session.id] = session

    def touch(self, user_id: str, session_id: str, at_ms: int, ttl: int) -> None:
        found = self.sessions.get(user_id, {}).get(session_id)
        if found is not None:
            self.sessions[user_id][session_id] = replace(found, last_used_ms=at_ms)

    def list(self, user_id: str) -> list[DeviceSession]:
        return sorted(self.sessions.get(user_id, {}).values(), key=lambda s: -s.last_used_ms)

    def remove(self, user_id: str, session_id: str) -> bool:
        return self.sessions.get(user_id, {}).pop(session_id, None) is not None


class FakeAuditLog:
    def __init__(self) -> None:
        self.events: list[AuditEvent] = []

    def record(self, event: AuditEvent) -> None:
        self.events.append(event)

    def page(
        self, kind: str | None, user_id: str | None, offset: int, limit: int
    ) -> tuple[list[AuditEvent], int]:
        found = [
            e
            for e in reversed(self.events)
            if (kind is None or e.kind == kind) and (user_id is None or e.user_id == user_id)
        ]
        return found[offset : offset + limit], len(found)
