"""In-memory fakes of the auth_user ports (tests/unit drives the services with these)."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import Any

from libs.ratelimit import Decision
from libs.sessions import Revocation, RevocationMirror
from services.auth_user.application.ports import Rotation
from services.auth_user.domain.activation import PendingActivation
from services.auth_user.domain.errors import (
    CsrfError,
    ImportAbandonedError,
    InvalidTokenError,
    MatriculeTakenError,
    TokenExpiredError,
)
from services.auth_user.domain.import_jobs import ImportJob, JobStatus, Phase
from services.auth_user.domain.mfa import MfaCredential
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
from services.auth_user.domain.org import (
    ANY_UNIT,
    ORG_LEVELS,
    OrgFilter,
    UnitCount,
    fold,
    folded_words,
    org_keys,
)
from services.auth_user.infrastructure.stores import AuthStores

_HEX = re.compile(r"^[0-9a-f]{24}$")


def _in_unit(user: User, org: OrgFilter) -> bool:
    keys = org_keys({level: getattr(user, level) for level in ORG_LEVELS})
    return all(keys[key] == value for key, value in org.keys().items())


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

    def get_many_by_matricule(self, matricules: Sequence[str]) -> list[User]:
        self.queries += 1
        wanted = set(matricules)
        return [u for u in self.users.values() if u.matricule in wanted]

    def search(
        self, query: str | None, offset: int, limit: int, org: OrgFilter = ANY_UNIT
    ) -> tuple[list[User], int]:
        self.queries += 1
        wanted = folded_words(query or "")
        if query and not wanted:
            return [], 0
        found = [
            u
            for u in sorted(self.users.values(), key=lambda u: (u.nom, u.prenom, u.id))
            if _prefixes_match(wanted, folded_words(f"{u.nom} {u.prenom} {u.matricule}"))
            and _in_unit(u, org)
        ]
        return found[offset : offset + limit], len(found)

    def org_units(self) -> list[UnitCount]:
        self.queries += 1
        units: dict[tuple[str, ...], list[User]] = {}
        for user in self.users.values():
            if user.active:
                key = tuple(fold(getattr(user, level)) for level in ORG_LEVELS)
                units.setdefault(key, []).append(user)
        return [
            UnitCount(*(min(getattr(u, level) for u in found) for level in ORG_LEVELS), len(found))
            for _, found in sorted(units.items())
        ]

    def add(self, user: NewUser) -> User:
        if any(u.matricule == user.matricule for u in self.users.values()):
            raise MatriculeTakenError()
        now = datetime.now(UTC)
        fields = {**asdict(user), "role": Role(user.role)}
        stored = User(id=f"{next(self._ids):024x}", created_at=now, updated_at=now, **fields)
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

    def set_many(self, profiles: Sequence[Mapping[str, Any]]) -> None:
        for profile in profiles:
            self.set(profile)

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

    def record(self, *events: AuditEvent) -> None:
        self.events.extend(events)

    def page(
        self, kind: str | None, user_id: str | None, offset: int, limit: int
    ) -> tuple[list[AuditEvent], int]:
        found = [
            e
            for e in reversed(self.events)
            if (kind is None or e.kind == kind) and (user_id is None or e.user_id == user_id)
        ]
        return found[offset : offset + limit], len(found)


class FakeDirectoryStore:
    """The import's view of a FakeUserStore (same accounts); `applied` counts apply calls."""

    def __init__(self, users: FakeUserStore, jobs: FakeImportJobStore | None = None) -> None:
        self.users = users
        self.jobs = jobs
        self.pending: dict[str, str] = {}  # user id -> import id
        self.applied = 0
        self.fail_apply = False

    def by_matricules(self, matricules: Sequence[str]) -> list[User]:
        wanted = set(matricules)
        return [u for u in self.users.users.values() if u.matricule in wanted]

    def managed_active(self) -> list[User]:
        return [u for u in self.users.users.values() if u.managed and u.active]

    def count_active(self) -> int:
        return sum(u.active for u in self.users.users.values())

    def apply_import(
        self,
        import_id: str,
        creates: Sequence[NewUser],
        changes: Sequence[tuple[str, Mapping[str, Any]]],
    ) -> list[User]:
        if self.fail_apply:
            raise RuntimeError("database gone mid-import")
        job = self.jobs.jobs.get(import_id) if self.jobs is not None else None
        if job is not None and job.status is not JobStatus.RUNNING:
            raise ImportAbandonedError()
        self.applied += 1
        created = [self.users.add(new) for new in creates]
        self.pending.update((u.id, import_id) for u in created)
        for user_id, values in changes:
            self.users.update(user_id, values)
        if job is not None:
            writes = len(creates) + len(changes)
            self.jobs.progress(import_id, Phase.APPLIED, writes, writes)
        return created


class FakeImportJobStore:
    def __init__(self) -> None:
        self.jobs: dict[str, ImportJob] = {}
        self.slot: str | None = None
        self.progress_reports = 0

    def create(self, job: ImportJob) -> bool:
        if self.slot is not None:
            return False
        self.jobs[job.id], self.slot = job, job.id
        return True

    def get(self, job_id: str) -> ImportJob | None:
        return self.jobs.get(job_id)

    def running(self) -> ImportJob | None:
        return self.jobs[self.slot] if self.slot else None

    def page(self, offset: int, limit: int) -> tuple[list[ImportJob], int]:
        newest = list(reversed(self.jobs.values()))
        return newest[offset : offset + limit], len(newest)

    def progress(self, job_id: str, phase: Phase, done: int, total: int) -> None:
        self.progress_reports += 1
        job = self.jobs[job_id]
        now = datetime.now(UTC)
        self.jobs[job_id] = replace(job, phase=phase, done=done, total=total, updated_at=now)

    def planned(self, job_id: str, report: Mapping[str, Any], writes: int) -> None:
        self.progress(job_id, Phase.APPLYING, 0, writes)
        self.jobs[job_id] = replace(self.jobs[job_id], result=dict(report))

    def finish(
        self,
        job_id: str,
        status: JobStatus,
        result: Mapping[str, Any] | None,
        error: tuple[str, str] | None = None,
    ) -> None:
        code, message = error or (None, None)
        now = datetime.now(UTC)
        self.jobs[job_id] = replace(
            self.jobs[job_id],
            status=status,
            phase=Phase.DONE,
            result=dict(result) if result is not None else None,
            error_code=code,
            error_message=message,
            updated_at=now,
            finished_at=now,
        )
        if self.slot == job_id:
            self.slot = None


class FakeActivationStore:
    def __init__(self, directory: FakeDirectoryStore) -> None:
        self.directory = directory
        self.codes: dict[str, PendingActivation] = {}

    def pending_of_import(self, import_id: str) -> list[User]:
        users = self.directory.users.users
        mine = [users[u] for u, i in self._imports().items() if i == import_id and u in users]
        waiting = [u for u in mine if not u.password_hash and u.active]
        return sorted(waiting, key=lambda u: (u.nom, u.prenom, u.id))

    def get(self, user_id: str) -> PendingActivation | None:
        if user_id in self.codes:
            return self.codes[user_id]
        import_id = self.directory.pending.get(user_id)
        return PendingActivation(user_id, import_id, None, None) if import_id else None

    def issue(
        self, import_id: str | None, hashes: Sequence[tuple[str, str]], expires_at: datetime
    ) -> None:
        for user_id, code_hash in hashes:
            known = self.get(user_id)
            origin = import_id or (known.import_id if known else None)
            self.codes[user_id] = PendingActivation(user_id, origin, code_hash, expires_at)

    def consume(self, user_id: str, code_hash: str, password_hash: str, now: datetime) -> bool:
        found = self.codes.get(user_id)
        if found is None or found.code_hash != code_hash or found.expired(now):
            return False
        del self.codes[user_id]
        self.directory.pending.pop(user_id, None)
        self.directory.users.update(user_id, {"password_hash": password_hash})
        return True

    def _imports(self) -> dict[str, str | None]:
        known: dict[str, str | None] = dict(self.directory.pending)
        known.update((u, c.import_id) for u, c in self.codes.items())
        return known


class FakeMfaStore:
    def __init__(self) -> None:
        self.credentials: dict[str, MfaCredential] = {}

    def get(self, user_id: str) -> MfaCredential | None:
        return self.credentials.get(user_id)

    def begin(self, user_id: str, sealed_secret: str) -> None:
        known = self.credentials.get(user_id)
        if known is None or not known.confirmed:
            self.credentials[user_id] = MfaCredential(user_id, sealed_secret)

    def confirm(self, user_id: str, step: int, recovery_hashes: Sequence[str]) -> bool:
        known = self.credentials.get(user_id)
        if known is None or known.confirmed:
            return False
        self.credentials[user_id] = replace(
            known, confirmed=True, last_step=step, recovery_hashes=tuple(sorted(recovery_hashes))
        )
        return True

    def use_step(self, user_id: str, step: int) -> bool:
        known = self.credentials.get(user_id)
        if known is None or not known.confirmed or known.last_step >= step:
            return False
        self.credentials[user_id] = replace(known, last_step=step)
        return True

    def use_recovery(self, user_id: str, recovery_hash: str) -> bool:
        known = self.credentials.get(user_id)
        if known is None or recovery_hash not in known.recovery_hashes:
            return False
        left = tuple(h for h in known.recovery_hashes if h != recovery_hash)
        self.credentials[user_id] = replace(known, recovery_hashes=left)
        return True

    def replace_recovery(self, user_id: str, recovery_hashes: Sequence[str]) -> None:
        known = self.credentials[user_id]
        self.credentials[user_id] = replace(known, recovery_hashes=tuple(sorted(recovery_hashes)))

    def delete(self, user_id: str) -> bool:
        return self.credentials.pop(user_id, None) is not None


class FakeMfaChallenges:
    def __init__(self) -> None:
        self.challenges: dict[str, dict[str, Any]] = {}
        self._tokens = itertools.count(1)

    def create(self, user_id: str, ttl: int) -> str:
        token = f"challenge-{next(self._tokens)}"
        self.challenges[token] = {"user": user_id, "attempts": 0, "ttl": ttl}
        return token

    def user_of(self, token: str) -> str | None:
        found = self.challenges.get(token)
        return found["user"] if found else None

    def failed(self, token: str) -> int:
        self.challenges[token]["attempts"] += 1
        return int(self.challenges[token]["attempts"])

    def drop(self, token: str) -> None:
        self.challenges.pop(token, None)


class FakeSecretBox:
    """Reversible, and visibly not the secret itself."""

    def seal(self, plain: str) -> str:
        return "sealed:" + plain[::-1]

    def open(self, sealed: str) -> str:
        assert sealed.startswith("sealed:")
        return sealed[len("sealed:") :][::-1]


def fake_stores(users: FakeUserStore | None = None) -> AuthStores:
    """Every store of the service, in memory."""
    users, jobs = users or FakeUserStore(), FakeImportJobStore()
    directory = FakeDirectoryStore(users, jobs)
    return AuthStores(
        users=users,
        backend="memory",
        directory=directory,
        jobs=jobs,
        activation=FakeActivationStore(directory),
        mfa=FakeMfaStore(),
        audit=FakeAuditLog(),
    )
