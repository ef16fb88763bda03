"""Second factor (TOTP, RFC 6238, with pyotp) for the roles that require it and for anyone who
enrolled: the login challenge, enrolment, recovery codes, and their management; all audited.

`MfaGate` decides at login (password right, account active) whether a second factor is due:
the user enrolled, or their role is in `MFA_REQUIRED_ROLES`. Then the login answers a
challenge instead of a session, and `MfaService.complete_login` turns a valid code (or a
recovery code) into the session. A user whose role requires MFA but who never enrolled enrols
inside that challenge (`login_setup`, then their first code confirms it).
"""

from __future__ import annotations

import hmac
import math
import time
from collections.abc import Callable
from typing import NoReturn

import pyotp

from ..domain.errors import (
    InvalidMfaCodeError,
    MfaAlreadyEnabledError,
    MfaChallengeExpiredError,
    MfaMandatoryError,
    MfaNotEnabledError,
    RateLimitedError,
)
from ..domain.mfa import (
    CHALLENGE_TTL_SECONDS,
    MAX_CHALLENGE_ATTEMPTS,
    STEP_SECONDS,
    Enrolment,
    MfaCredential,
    MfaPending,
    MfaStatus,
    looks_like_totp,
    new_recovery_codes,
    recovery_hash,
)
from ..domain.model import Role, Session, User
from ..domain.policy import check_can_manage_users
from . import audit
from .auth import AuthService
from .mfa_ports import MfaChallenges, MfaStore, SecretBox
from .ports import LoginThrottle, UserStore


class MfaGate:
    def __init__(
        self, store: MfaStore, challenges: MfaChallenges, required_roles: frozenset[Role]
    ) -> None:
        self._store = store
        self._challenges = challenges
        self._required = required_roles

    def required(self, user: User) -> bool:
        return user.role in self._required

    def challenge(self, user: User) -> MfaPending | None:
        """None: no second factor due. Else the challenge the login answers instead."""
        credential = self._store.get(user.id)
        enrolled = credential is not None and credential.confirmed
        if not enrolled and not self.required(user):
            return None
        return MfaPending(self._challenges.create(user.id, CHALLENGE_TTL_SECONDS), enrolled)


class MfaService:
    def __init__(
        self,
        gate: MfaGate,
        store: MfaStore,
        challenges: MfaChallenges,
        box: SecretBox,
        users: UserStore,
        auth: AuthService,
        throttle: LoginThrottle,
        issuer: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._gate = gate
        self._store = store
        self._challenges = challenges
        self._box = box
        self._users = users
        self._auth = auth
        self._throttle = throttle
        self._issuer = issuer
        self._clock = clock
        self._audit = auth.sessions.audit

    # -- the login challenge --------------------------------------------------------------

    def login_setup(self, token: str) -> Enrolment:
        """Enrolment inside a login challenge, for a user who must and has not enrolled yet."""
        user = self._challenged(token)
        if self._confirmed(user) is not None:
            raise MfaAlreadyEnabledError()
        return self._begin(user)

    def complete_login(
        self, token: str, code: str, client_ip: str, user_agent: str = ""
    ) -> tuple[Session, list[str] | None]:
        """The session, once `code` is right (and, for a first enrolment, the recovery codes,
        shown this once). Wrong codes count; past MAX_CHALLENGE_ATTEMPTS the challenge ends."""
        user = self._challenged(token)
        credential = self._store.get(user.id)
        recovery: list[str] | None = None
        if credential is not None and credential.confirmed:
            how = self._verified(credential, code)
        else:
            recovery = self._confirmed_enrolment(user, credential, code)
            how = "enrolled" if recovery is not None else None
        if how is None:
            self._wrong_at_login(token, user, client_ip)
        self._challenges.drop(token)
        self._audit.record(audit.MFA_VERIFIED, user_id=user.id, ip=client_ip, detail=str(how))
        return self._auth.admit(user, client_ip, user_agent), recovery

    # -- the user's own second factor -----------------------------------------------------

    def status(self, user: User) -> MfaStatus:
        credential = self._confirmed(user)
        left = len(credential.recovery_hashes) if credential else 0
        return MfaStatus(credential is not None, self._gate.required(user), left)

    def setup(self, user: User) -> Enrolment:
        if self._confirmed(user) is not None:
            raise MfaAlreadyEnabledError()
        return self._begin(user)

    def confirm(self, user: User, code: str, client_ip: str = "") -> list[str]:
        self._check_backoff(user, client_ip)
        recovery = self._confirmed_enrolment(user, self._store.get(user.id), code)
        if recovery is None:
            self._refused(user, client_ip)
        self._throttle.succeeded(_key(user), client_ip)
        return recovery

    def regenerate_recovery(self, user: User, code: str, client_ip: str = "") -> list[str]:
        """New recovery codes (the old ones stop working), proved by a current TOTP code."""
        self._check_code(user, code, client_ip)
        codes = new_recovery_codes()
        self._store.replace_recovery(user.id, [recovery_hash(c) for c in codes])
        self._audit.record(audit.MFA_RECOVERY_REGENERATED, user_id=user.id, actor_id=user.id)
        return codes

    def disable(self, user: User, code: str, client_ip: str = "") -> None:
        if self._gate.required(user):
            raise MfaMandatoryError()
        self._check_code(user, code, client_ip)
        self._store.delete(user.id)
        self._audit.record(audit.MFA_DISABLED, user_id=user.id, actor_id=user.id)

    def reset(self, actor: User, target: User) -> None:
        """An admin removes a user's second factor (lost phone): they enrol again at their
        next login (if their role requires it); their sessions end."""
        check_can_manage_users(actor)
        if not self._store.delete(target.id):
            raise MfaNotEnabledError()
        self._audit.record(audit.MFA_RESET, user_id=target.id, actor_id=actor.id)
        self._auth.sessions.end_user(target.id, "mfa_reset")

    # -- helpers --------------------------------------------------------------------------

    def _challenged(self, token: str) -> User:
        user_id = self._challenges.user_of(token)
        user = self._users.get(user_id) if user_id else None
        if user is None or not user.active:
            raise MfaChallengeExpiredError()
        return user

    def _confirmed(self, user: User) -> MfaCredential | None:
        credential = self._store.get(user.id)
        return credential if credential is not None and credential.confirmed else None

    def _begin(self, user: User) -> Enrolment:
        secret = pyotp.random_base32()
        self._store.begin(user.id, self._box.seal(secret))
        uri = pyotp.TOTP(secret).provisioning_uri(name=user.matricule, issuer_name=self._issuer)
        return Enrolment(secret, uri)

    def _confirmed_enrolment(
        self, user: User, credential: MfaCredential | None, code: str
    ) -> list[str] | None:
        """The recovery codes, if `code` proves the unconfirmed secret (which it confirms)."""
        if credential is None or credential.confirmed:
            raise MfaNotEnabledError() if credential is None else MfaAlreadyEnabledError()
        step = self._step(credential, code)
        codes = new_recovery_codes()
        if step is None or not self._store.confirm(
            user.id, step, [recovery_hash(c) for c in codes]
        ):
            return None
        self._audit.record(audit.MFA_ENROLLED, user_id=user.id, actor_id=user.id)
        return codes

    def _verified(self, credential: MfaCredential, code: str) -> str | None:
        """ "totp", "recovery" or None; a TOTP step or a recovery code is accepted once."""
        step = self._step(credential, code)
        if step is not None:
            return "totp" if self._store.use_step(credential.user_id, step) else None
        if not looks_like_totp(code) and self._store.use_recovery(
            credential.user_id, recovery_hash(code)
        ):
            return "recovery"
        return None

    def _step(self, credential: MfaCredential, code: str) -> int | None:
        """The time step (now, or one step either side) whose TOTP code `code` is."""
        if not looks_like_totp(code) or not credential.sealed_secret:
            return None
        totp = pyotp.TOTP(self._box.open(credential.sealed_secret))
        now = int(self._clock()) // STEP_SECONDS
        for step in (now, now - 1, now + 1):
            if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
                return step
        return None

    def _check_code(self, user: User, code: str, client_ip: str) -> None:
        """A current TOTP code of the user's confirmed secret, for managing it."""
        self._check_backoff(user, client_ip)
        credential = self._confirmed(user)
        if credential is None:
            raise MfaNotEnabledError()
        step = self._step(credential, code)
        if step is None or not self._store.use_step(user.id, step):
            self._refused(user, client_ip)
        self._throttle.succeeded(_key(user), client_ip)

    def _wrong_at_login(self, token: str, user: User, client_ip: str) -> NoReturn:
        attempts = self._challenges.failed(token)
        self._audit.record(audit.MFA_FAILED, user_id=user.id, ip=client_ip, detail="wrong_code")
        if attempts >= MAX_CHALLENGE_ATTEMPTS:
            self._challenges.drop(token)
            raise MfaChallengeExpiredError()
        raise InvalidMfaCodeError()

    def _refused(self, user: User, client_ip: str) -> NoReturn:
        """A wrong code on the self-service routes: it backs off like a failed login."""
        self._throttle.failed(_key(user), client_ip)
        self._audit.record(audit.MFA_FAILED, user_id=user.id, ip=client_ip, detail="wrong_code")
        raise InvalidMfaCodeError()

    def _check_backoff(self, user: User, client_ip: str) -> None:
        wait = self._throttle.wait(_key(user), client_ip)
        if wait > 0:
            self._audit.record(audit.RATE_LIMITED, user_id=user.id, ip=client_ip, detail="mfa")
            raise RateLimitedError(retry_after=max(1, math.ceil(wait)))


def _key(user: User) -> str:
    """The throttle's name for the self-service codes of this user (not their logins)."""
    return f"mfa:{user.matricule}"
