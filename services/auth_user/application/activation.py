"""ActivationService: one-time codes for the agents a directory import created (no password
ever travels in a file), and their first login with one.

Codes exist in clear only in the answer that issues them: an admin exports an import's codes
(each export replaces the codes of the agents still waiting) or issues one agent's code. With
their code an agent sets their password and is logged in (`POST /activate`), as with a login.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ..domain.activation import IssuedCode, code_hash, new_code
from ..domain.errors import (
    AccountDisabledError,
    ActivationCodeExpiredError,
    ImportNotFoundError,
    InvalidActivationCodeError,
    RateLimitedError,
)
from ..domain.mfa import MfaPending
from ..domain.model import Session, User
from ..domain.policy import check_can_manage_users
from . import audit
from .auth import AuthService
from .directory_ports import ActivationStore, ImportJobStore
from .ports import LoginThrottle, PasswordHasher, UserStore


class ActivationService:
    def __init__(
        self,
        store: ActivationStore,
        users: UserStore,
        jobs: ImportJobStore,
        auth: AuthService,
        hasher: PasswordHasher,
        throttle: LoginThrottle,
        ttl: timedelta,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._users = users
        self._jobs = jobs
        self._auth = auth
        self._hasher = hasher
        self._throttle = throttle
        self._ttl = ttl
        self._clock = clock

    def export(self, actor: User, import_id: str) -> list[IssuedCode]:
        """New codes for the agents `import_id` created who have not activated yet (admins)."""
        check_can_manage_users(actor)
        if self._jobs.get(import_id) is None:
            raise ImportNotFoundError()
        waiting = self._store.pending_of_import(import_id)
        issued = self._issue(import_id, waiting)
        self._sessions_audit().record(
            audit.ACTIVATION_CODES_ISSUED,
            actor_id=actor.id,
            detail=f"import {import_id} codes={len(issued)}",
        )
        return issued

    def issue_for(self, actor: User, target: User) -> IssuedCode:
        """A new code for one agent (a lost code, a forgotten password): admins only. Their
        current password, if any, keeps working until the code is used."""
        check_can_manage_users(actor)
        if not target.active:
            raise AccountDisabledError()
        [issued] = self._issue(None, [target])
        self._sessions_audit().record(
            audit.ACTIVATION_CODES_ISSUED, user_id=target.id, actor_id=actor.id, detail="agent"
        )
        return issued

    def activate(
        self, matricule: str, code: str, password: str, client_ip: str, user_agent: str = ""
    ) -> Session | MfaPending:
        """The agent's password set with their code, then a session as a login gives; the
        code works once. Wrong guesses back off like failed logins (`LoginLimits`)."""
        key = f"activate:{matricule}"
        self._check_backoff(key, client_ip)
        user = self._users.get_by_matricule(matricule)
        pending = self._store.get(user.id) if user is not None else None
        if user is None or pending is None or not pending.accepts(code):
            self._throttle.failed(key, client_ip)
            self._refused(user, client_ip, "unknown_matricule" if user is None else "wrong_code")
            raise InvalidActivationCodeError()
        self._throttle.succeeded(key, client_ip)
        now = self._clock()
        if pending.expired(now):
            self._refused(user, client_ip, "expired")
            raise ActivationCodeExpiredError()
        if not user.active:
            self._refused(user, client_ip, "account_disabled")
            raise AccountDisabledError()
        had_password, hashed = user.activated, self._hasher.hash(password)
        if not self._store.consume(user.id, code_hash(code), hashed, now):
            self._refused(user, client_ip, "wrong_code")  # used meanwhile by another request
            raise InvalidActivationCodeError()
        self._sessions_audit().record(audit.ACTIVATED, user_id=user.id, ip=client_ip)
        entered = self._auth.enter(replace(user, password_hash=hashed), client_ip, user_agent)
        if had_password and isinstance(entered, Session):  # a reset: the old sessions end
            self._auth.sessions.end_others(user.id, entered.id, "password_changed")
        elif had_password:  # a second factor comes first: no new session yet
            self._auth.sessions.end_user(user.id, "password_changed")
        return entered

    def _issue(self, import_id: str | None, users: list[User]) -> list[IssuedCode]:
        expires = self._clock() + self._ttl
        codes = [(user, new_code()) for user in users]
        self._store.issue(import_id, [(u.id, code_hash(c)) for u, c in codes], expires)
        return [
            IssuedCode(
                u.matricule, u.nom, u.prenom, u.ministere, u.direction, u.service, c, expires
            )
            for u, c in codes
        ]

    def _check_backoff(self, key: str, client_ip: str) -> None:
        wait = self._throttle.wait(key, client_ip)
        if wait > 0:
            self._sessions_audit().record(audit.RATE_LIMITED, ip=client_ip, detail="activate")
            raise RateLimitedError(retry_after=max(1, math.ceil(wait)))

    def _refused(self, user: User | None, client_ip: str, reason: str) -> None:
        user_id = user.id if user is not None else None
        self._sessions_audit().record(
            audit.ACTIVATION_FAILED, user_id=user_id, ip=client_ip, detail=reason
        )

    def _sessions_audit(self) -> audit.SecurityAudit:
        return self._auth.sessions.audit
