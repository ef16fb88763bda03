"""AccountService: what users do to their own account (self service): read it, choose their
language, change their password with the current one."""

from __future__ import annotations

import logging
import math

from ..domain.errors import InvalidCurrentPasswordError, InvalidTokenError, RateLimitedError
from ..domain.model import User
from . import audit
from .ports import LoginThrottle, PasswordHasher, ProfileCache, UserStore
from .sessions import SessionControl

logger = logging.getLogger(__name__)


class AccountService:
    def __init__(
        self,
        users: UserStore,
        hasher: PasswordHasher,
        sessions: SessionControl,
        throttle: LoginThrottle,
        cache: ProfileCache | None = None,
    ) -> None:
        self._users = users
        self._cache = cache
        self._hasher = hasher
        self._sessions = sessions
        self._throttle = throttle

    def me(self, user_id: str) -> User:
        """The user a valid access token names; a deleted user's token is no longer valid."""
        user = self._users.get(user_id)
        if user is None:
            raise InvalidTokenError()
        return user

    def set_locale(self, user_id: str, locale: str) -> User:
        """The language of what the servers say to this user; the shared cache learns it (push
        texts follow it) and the next access token carries it (`locale` claim)."""
        updated = self._users.update(user_id, {"locale": locale})
        if updated is None:
            raise InvalidTokenError()
        if self._cache is not None:
            self._cache.set(updated.profile())
        return updated

    def change_password(
        self, user_id: str, session_id: str | None, current: str, new: str, client_ip: str
    ) -> User:
        """The current password proves it is the user (not someone at an unlocked screen);
        wrong guesses back off like failed logins (`LoginLimits`). The other sessions end,
        this one stays."""
        user = self.me(user_id)
        key = f"password:{user.matricule}"
        wait = self._throttle.wait(key, client_ip)
        if wait > 0:
            self._sessions.audit.record(audit.RATE_LIMITED, user_id=user.id, detail="password")
            raise RateLimitedError(retry_after=max(1, math.ceil(wait)))
        if not self._hasher.verify(user.password_hash, current):
            self._throttle.failed(key, client_ip)
            self._sessions.audit.record(
                audit.PASSWORD_REFUSED, user_id=user.id, ip=client_ip, detail="wrong_password"
            )
            raise InvalidCurrentPasswordError()
        self._throttle.succeeded(key, client_ip)
        changed = self._users.update(user.id, {"password_hash": self._hasher.hash(new)})
        if changed is None:
            raise InvalidTokenError()
        self._sessions.audit.record(
            audit.PASSWORD_CHANGED, user_id=user.id, actor_id=user.id, ip=client_ip
        )
        self._sessions.end_others(user.id, session_id, "password_changed")
        logger.info("user %s changed their password", user.id)
        return changed
