"""AuthService: login, refresh-token rotation, logout and token validation."""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections.abc import Callable
from typing import NoReturn

from ..domain.errors import (
    AccountDisabledError,
    InvalidCredentialsError,
    InvalidTokenError,
    RateLimitedError,
    RefreshTokenReusedError,
    RefreshTokenRevokedError,
    TokenExpiredError,
    TokenRevokedError,
)
from ..domain.mfa import MfaPending
from ..domain.model import DeviceSession, Session, TokenClaims, TokenType, User
from .audit import LOGIN_FAILED, LOGIN_OK, RATE_LIMITED
from .ports import (
    LoginThrottle,
    PasswordHasher,
    ProfileCache,
    RefreshTokenStore,
    Rotation,
    SecondFactorGate,
    TokenCodec,
    UserStore,
)
from .sessions import SessionControl

logger = logging.getLogger(__name__)

# Verified against when the matricule is unknown, so both failures take the same time.
_DUMMY_PASSWORD = "ngomna-timing-equaliser"


class AuthService:
    def __init__(
        self,
        users: UserStore,
        hasher: PasswordHasher,
        tokens: TokenCodec,
        refresh_tokens: RefreshTokenStore,
        throttle: LoginThrottle,
        cache: ProfileCache,
        sessions: SessionControl,
        clock: Callable[[], float] = time.time,
        gate: SecondFactorGate | None = None,
    ) -> None:
        self._users = users
        self._hasher = hasher
        self._tokens = tokens
        self._refresh_tokens = refresh_tokens
        self._throttle = throttle
        self._cache = cache
        self.sessions = sessions
        self._clock = clock
        self._gate = gate
        self._dummy_hash = hasher.hash(_DUMMY_PASSWORD)

    def login(
        self, matricule: str, password: str, client_ip: str, user_agent: str = ""
    ) -> Session | MfaPending:
        """A session, or the second-factor challenge the user must pass first. Only failures
        count: each wrong guess of a (matricule, IP) pair past the free ones makes that pair
        wait longer (`LoginLimits`); a success clears the pair's count."""
        self._check_backoff(matricule, client_ip)
        user = self._users.get_by_matricule(matricule)
        if user is None:
            self._hasher.verify(self._dummy_hash, password)
            self._failed(None, matricule, client_ip, "unknown_matricule")
        elif not self._hasher.verify(user.password_hash, password):
            self._failed(user.id, matricule, client_ip, "wrong_password")
        self._throttle.succeeded(matricule, client_ip)
        if not user.active:
            self._refused(user.id, client_ip, "account_disabled")
            raise AccountDisabledError()
        return self.enter(user, client_ip, user_agent)

    def enter(self, user: User, client_ip: str, user_agent: str = "") -> Session | MfaPending:
        """After the first factor (password, activation code): the session, or the challenge
        of the second factor when one is due."""
        pending = self._gate.challenge(user) if self._gate is not None else None
        return pending if pending is not None else self.admit(user, client_ip, user_agent)

    def admit(self, user: User, client_ip: str, user_agent: str = "") -> Session:
        """A session for a user who just proved who they are (password, activation code)."""
        family, now_ms = uuid.uuid4().hex, int(self._clock() * 1000)
        tokens = self._tokens.issue(user, family=family, auth_ms=now_ms)
        ttl = tokens.refresh_expires_at - int(self._clock())
        self._refresh_tokens.start(family, tokens.refresh_jti, ttl)
        device = DeviceSession(family, user_agent[:256], client_ip, now_ms, now_ms)
        self.sessions.started(user.id, device, ttl)
        self._cache.set(user.profile())
        self.sessions.audit.record(LOGIN_OK, user_id=user.id, ip=client_ip, detail=family)
        return Session(user, tokens, family)

    def refresh(self, refresh_token: str, csrf: str | None = None) -> Session:
        """Rotate: only the session's current token is accepted, and it is then replaced.

        Presenting an older token of the session is reuse (stolen or replayed) and ends the
        session; a session the store does not know (logged out, expired, lost) is refused.
        """
        claims = self._tokens.decode(refresh_token, TokenType.REFRESH, csrf)
        family = _family(claims)
        self._check_not_revoked(claims)
        user = self._users.get(claims.user_id)
        if user is None:
            raise InvalidTokenError()
        if not user.active:
            self._refresh_tokens.revoke_family(family)
            raise RefreshTokenRevokedError()
        tokens = self._tokens.issue(user, family=family, auth_ms=claims.auth_ms)
        ttl = tokens.refresh_expires_at - int(self._clock())
        outcome = self._refresh_tokens.rotate(family, claims.jti, tokens.refresh_jti, ttl)
        if outcome is Rotation.REUSED:
            logger.warning("refresh token reused: session of user %s ended", claims.user_id)
            self.sessions.end_session(claims.user_id, family, "refresh_reused")
            raise RefreshTokenReusedError()
        if outcome is Rotation.REVOKED:
            raise RefreshTokenRevokedError()
        self.sessions.used(user.id, family, int(self._clock() * 1000), ttl)
        return Session(user, tokens, family)

    def logout(self, refresh_token: str | None, csrf: str | None = None) -> bool:
        """Revoke the refresh token's family; True if one was revoked.

        Logging out never fails on a missing, expired or invalid token (there is nothing to
        revoke, the caller's cookies are cleared anyway); a cookie without its CSRF header does.
        """
        if not refresh_token:
            return False
        try:
            claims = self._tokens.decode(refresh_token, TokenType.REFRESH, csrf)
        except (InvalidTokenError, TokenExpiredError):
            return False
        self.sessions.end_session(claims.user_id, _family(claims), "logout")
        return True

    def logout_all(self, user_id: str) -> None:
        """Every session of the user on every device (POST /logout-all)."""
        self.sessions.end_user(user_id, "logout_all")

    def validate(self, access_token: str) -> TokenClaims:
        claims = self._tokens.decode(access_token, TokenType.ACCESS)
        self.sessions.check(claims)
        return claims

    def _check_not_revoked(self, claims: TokenClaims) -> None:
        """A refresh token of a revoked session or user ends that session (fails closed)."""
        try:
            self.sessions.check(claims)
        except TokenRevokedError:
            self._refresh_tokens.revoke_family(_family(claims))
            raise RefreshTokenRevokedError() from None

    def _check_backoff(self, matricule: str, client_ip: str) -> None:
        wait = self._throttle.wait(matricule, client_ip)
        if wait > 0:
            self.sessions.audit.record(RATE_LIMITED, ip=client_ip, detail="login")
            raise RateLimitedError(retry_after=max(1, math.ceil(wait)))

    def _failed(self, user_id: str | None, matricule: str, client_ip: str, reason: str) -> NoReturn:
        self._throttle.failed(matricule, client_ip)
        self._refused(user_id, client_ip, reason)
        raise InvalidCredentialsError()

    def _refused(self, user_id: str | None, client_ip: str, reason: str) -> None:
        self.sessions.audit.record(LOGIN_FAILED, user_id=user_id, ip=client_ip, detail=reason)


def _family(claims: TokenClaims) -> str:
    if not claims.family:
        raise InvalidTokenError()
    return claims.family
