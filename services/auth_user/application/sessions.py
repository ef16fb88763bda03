"""SessionControl: starting, listing and ending sessions (a session = one login on a device).

Ending a session deletes its refresh token (no new access token) and publishes a session
watermark (its access tokens are refused by every process within a second, its sockets are
closed). Ending a user publishes a user watermark: every session that logged in before it ends.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.errors import RevocationStateStaleError, SessionNotFoundError, TokenRevokedError
from ..domain.model import DeviceSession, TokenClaims
from .audit import SESSION_ENDED, USER_SESSIONS_ENDED, SecurityAudit
from .ports import RefreshTokenStore, RevocationCheck, RevocationLog, SessionRegistry


class SessionControl:
    def __init__(
        self,
        revocations: RevocationLog,
        mirror: RevocationCheck,
        refresh_tokens: RefreshTokenStore,
        registry: SessionRegistry,
        audit: SecurityAudit | None = None,
    ) -> None:
        self._revocations = revocations
        self._mirror = mirror
        self._refresh_tokens = refresh_tokens
        self._registry = registry
        self.audit = audit or SecurityAudit(None)

    def check(self, claims: TokenClaims) -> None:
        """Raise if the token's session or user was revoked (in-memory, no I/O)."""
        verdict = self._mirror.check(claims.user_id, claims.family, claims.auth_ms)
        if verdict == "stale":
            raise RevocationStateStaleError()
        if verdict == "revoked":
            raise TokenRevokedError()

    def started(self, user_id: str, session: DeviceSession, ttl: int) -> None:
        self._registry.add(user_id, session, ttl)

    def used(self, user_id: str, session_id: str, at_ms: int, ttl: int) -> None:
        self._registry.touch(user_id, session_id, at_ms, ttl)

    def list(self, user_id: str) -> list[DeviceSession]:
        return self._registry.list(user_id)

    def end_session(self, user_id: str, session_id: str, reason: str) -> None:
        self._refresh_tokens.revoke_family(session_id)
        self._registry.remove(user_id, session_id)
        self._revocations.revoke_session(session_id, reason)
        self.audit.record(SESSION_ENDED, user_id=user_id, detail=reason)

    def end_user(self, user_id: str, reason: str) -> None:
        """Every session of the user, on every device."""
        self.end_users([user_id], reason)

    def end_users(self, user_ids: Sequence[str], reason: str) -> None:
        """Every session of each user (a bulk action: a directory import)."""
        for user_id in user_ids:
            self._revocations.revoke_user(user_id, reason)
            for session in self._registry.list(user_id):
                self._refresh_tokens.revoke_family(session.id)
                self._registry.remove(user_id, session.id)
        self.audit.record_each(USER_SESSIONS_ENDED, user_ids, actor_id=None, detail=reason)

    def end_others(self, user_id: str, keep: str | None, reason: str) -> None:
        """Every session of the user but `keep` (the device that asked)."""
        if keep is None:
            self.end_user(user_id, reason)
            return
        for session in self._registry.list(user_id):
            if session.id != keep:
                self.end_session(user_id, session.id, reason)

    def revoke_one(self, user_id: str, session_id: str) -> None:
        """The owner ends one of their own sessions; someone else's looks absent."""
        if all(s.id != session_id for s in self._registry.list(user_id)):
            raise SessionNotFoundError()
        self.end_session(user_id, session_id, "session_revoked")
