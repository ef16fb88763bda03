"""`HoldService`: compliance officers (and admins) place and release legal holds on an agent or
a conversation, and list the active ones. Audited. Holds show nowhere else: no user route or
view says whether something is held."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from services.chat_file.conversations.facade import Participation
from services.chat_file.kernel.clock import utc_now
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.ids import check_object_id, check_user_id
from services.chat_file.moderation.application.ports import AuditLog, HoldStore
from services.chat_file.moderation.domain.audit import AuditEntry
from services.chat_file.moderation.domain.holds import (
    HoldNotFoundError,
    HoldReleasedError,
    LegalHold,
)
from services.chat_file.moderation.domain.retention import require_compliance


class HoldService:
    def __init__(
        self,
        holds: HoldStore,
        conversations: Participation,
        audit: AuditLog,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._holds = holds
        self._conversations = conversations
        self._audit = audit
        self._clock = clock

    def place(self, user: Identity, kind: str, target_id: str, reason: str) -> LegalHold:
        require_compliance(user)
        if kind == "conversation":
            self._conversations.existing(check_object_id(target_id))
        else:
            check_user_id(target_id)
        hold = self._holds.add(LegalHold(kind, target_id, reason, user.user_id, self._clock()))
        self._record(user, "hold.placed", hold, {"kind": kind, "targetId": target_id})
        return hold

    def release(self, user: Identity, hold_id: str) -> LegalHold:
        require_compliance(user)
        found = self._holds.get(check_object_id(hold_id))
        if found is None:
            raise HoldNotFoundError()
        released = self._holds.release(hold_id, user.user_id, self._clock())
        if released is None:
            raise HoldReleasedError()
        self._record(user, "hold.released", released, {})
        return released

    def active(self, user: Identity) -> list[LegalHold]:
        require_compliance(user)
        return self._holds.active()

    def _record(self, user: Identity, action: str, hold: LegalHold, detail: dict[str, str]) -> None:
        entry = AuditEntry(user.user_id, action, "hold", hold.id, self._clock(), detail)
        self._audit.record(entry)
