"""SecurityAudit: every security event is stored, written as one structured log line, and
handed to observers (the /metrics counters). Recording never breaks the action it reports."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from ..domain.errors import ForbiddenError
from ..domain.model import AuditEvent, User
from .ports import AuditLog

logger = logging.getLogger("security.audit")

LOGIN_OK = "login_ok"
LOGIN_FAILED = "login_failed"
RATE_LIMITED = "rate_limited"
SESSION_ENDED = "session_ended"  # detail: logout, refresh_reused, session_revoked...
USER_SESSIONS_ENDED = "user_sessions_ended"  # detail: logout_all, password_changed...
PASSWORD_CHANGED = "password_changed"
PASSWORD_REFUSED = "password_refused"  # a password change with a wrong current password
ROLE_CHANGED = "role_changed"
DEACTIVATED = "deactivated"
REACTIVATED = "reactivated"
DELETED = "deleted"
DIRECTORY_IMPORT = "directory_import"  # detail: the job, its mode, status and counts
ACTIVATION_CODES_ISSUED = "activation_codes_issued"  # detail: the import, or "agent"
ACTIVATED = "activated"  # an agent set their password with their code
ACTIVATION_FAILED = "activation_failed"  # detail: unknown_matricule, wrong_code, expired...
MFA_ENROLLED = "mfa_enrolled"
MFA_VERIFIED = "mfa_verified"  # detail: totp, recovery, enrolled
MFA_FAILED = "mfa_failed"  # detail: wrong_code
MFA_RECOVERY_REGENERATED = "mfa_recovery_regenerated"
MFA_DISABLED = "mfa_disabled"
MFA_RESET = "mfa_reset"  # by an admin


class SecurityAudit:
    def __init__(
        self, log: AuditLog | None, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._log = log
        self._clock = clock
        self._observers: list[Callable[[AuditEvent], None]] = []

    def observe(self, observer: Callable[[AuditEvent], None]) -> None:
        self._observers.append(observer)

    def record(
        self,
        kind: str,
        *,
        user_id: str | None = None,
        actor_id: str | None = None,
        ip: str = "",
        detail: str = "",
    ) -> None:
        event = AuditEvent(kind, self._clock(), user_id, actor_id, ip[:64], detail[:500])
        fields = {"event": kind, "user_id": user_id, "actor_id": actor_id, "detail": detail}
        logger.info("security event %s", kind, extra={"fields": {**fields, "ip": ip}})
        self._store(kind, [event])

    def record_each(
        self, kind: str, user_ids: Sequence[str], *, actor_id: str | None, detail: str
    ) -> None:
        """One event per user (a bulk action: an import, a revocation of many users), stored
        in one call, logged as one line."""
        if not user_ids:
            return
        at = self._clock()
        events = [AuditEvent(kind, at, u, actor_id, "", detail[:500]) for u in user_ids]
        fields = {"event": kind, "users": len(events), "actor_id": actor_id, "detail": detail}
        logger.info("security events %s x%d", kind, len(events), extra={"fields": fields})
        self._store(kind, events)

    def _store(self, kind: str, events: list[AuditEvent]) -> None:
        for event in events:
            for observer in self._observers:
                observer(event)
        if self._log is None:
            return
        try:
            self._log.record(*events)
        except Exception:  # the login or logout it reports has happened: keep it, say so
            logger.exception("security event %s could not be stored", kind)

    def page(
        self, actor: User, kind: str | None, user_id: str | None, page: int, limit: int
    ) -> tuple[list[AuditEvent], int]:
        """Admins only; newest first."""
        if not actor.is_admin:
            raise ForbiddenError()
        if self._log is None:
            return [], 0
        return self._log.page(kind, user_id, (page - 1) * limit, limit)
