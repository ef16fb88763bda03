"""`ModeratorActions`: what moderators (and admins) do to messages and agents: remove any
message (a tombstone marked "moderation"), suspend an agent (reads work, every write is refused
`SUSPENDED`) and reinstate them, remove an agent from a group or broadcast. Each is audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.chat_file.kernel.clock import utc_now
from services.chat_file.kernel.errors import ModeratorRequiredError
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.ids import check_user_id
from services.chat_file.moderation.application.ports import (
    AuditLog,
    ConversationWrites,
    SuspensionStore,
)
from services.chat_file.moderation.domain.audit import AuditEntry
from services.chat_file.moderation.domain.blocks import BlockedUserNotFoundError
from services.chat_file.users.application.directory import UserDirectory


class ModeratorActions:
    def __init__(
        self,
        writes: ConversationWrites,
        suspensions: SuspensionStore,
        audit: AuditLog,
        directory: UserDirectory,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._writes = writes
        self._suspensions = suspensions
        self._audit = audit
        self._directory = directory
        self._clock = clock

    def remove_message(self, user: Identity, message_id: str) -> dict[str, Any]:
        _require(user)
        removed = self._writes.remove_message(user, message_id)
        detail = {"conversationId": removed.get("conversationId")}
        self._record(user, "message.removed", "message", message_id, detail)
        return removed

    def remove_member(self, user: Identity, conversation_id: str, user_id: str) -> dict[str, Any]:
        _require(user)
        change = self._writes.remove_by_moderator(user, conversation_id, user_id)
        detail = {"conversationId": conversation_id}
        self._record(user, "member.removed", "user", user_id, detail)
        return change

    def suspend(self, user: Identity, user_id: str) -> list[str]:
        _require(user)
        target = check_user_id(user_id)
        if self._directory.is_unknown(target):
            raise BlockedUserNotFoundError()
        self._suspensions.suspend(target)
        self._record(user, "agent.suspended", "user", target, {})
        return self._suspensions.suspended()

    def reinstate(self, user: Identity, user_id: str) -> list[str]:
        _require(user)
        target = check_user_id(user_id)
        self._suspensions.lift(target)
        self._record(user, "agent.reinstated", "user", target, {})
        return self._suspensions.suspended()

    def suspended(self, user: Identity) -> list[str]:
        _require(user)
        return self._suspensions.suspended()

    def _record(
        self, user: Identity, action: str, kind: str, target: str, detail: dict[str, Any]
    ) -> None:
        self._audit.record(AuditEntry(user.user_id, action, kind, target, self._clock(), detail))


def _require(user: Identity) -> None:
    if not user.moderates:
        raise ModeratorRequiredError()
