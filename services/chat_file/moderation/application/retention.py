"""`RetentionService`: the per-conversation overrides (compliance and admin roles, audited) and
the purge run (`python -m services.chat_file.retention`): each override's conversation is
purged with its own age limit, then every other conversation with the global one, in batches
of at most `RETENTION_BATCH` (≤ 1 000) messages, each batch's orphaned files discarded. A run
right after another finds nothing left to delete."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import datetime, timedelta

from services.chat_file.conversations.facade import MessagePurge, Participation
from services.chat_file.kernel.clock import utc_now
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.ids import check_object_id
from services.chat_file.moderation.application.ports import (
    AuditLog,
    FileDisposal,
    HoldStore,
    RetentionPolicyStore,
)
from services.chat_file.moderation.domain.audit import AuditEntry
from services.chat_file.moderation.domain.retention import (
    PurgeReport,
    RetentionOverride,
    check_days,
    require_compliance,
)

logger = logging.getLogger(__name__)


class RetentionService:
    def __init__(
        self,
        policies: RetentionPolicyStore,
        purge: MessagePurge,
        files: FileDisposal,
        conversations: Participation,
        audit: AuditLog,
        holds: HoldStore,
        *,
        global_days: int,
        batch: int,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._policies = policies
        self._purge = purge
        self._files = files
        self._conversations = conversations
        self._audit = audit
        self._holds = holds
        self.global_days = global_days
        self._batch = batch
        self._clock = clock

    def overrides(self, user: Identity) -> list[RetentionOverride]:
        require_compliance(user)
        return self._policies.overrides()

    def set_override(self, user: Identity, conversation_id: str, days: object) -> RetentionOverride:
        require_compliance(user)
        self._conversations.existing(check_object_id(conversation_id))
        override = RetentionOverride(conversation_id, check_days(days), user.user_id, self._clock())
        self._policies.put(override)
        self._record(user, "retention.set", conversation_id, {"days": override.days})
        return override

    def remove_override(self, user: Identity, conversation_id: str) -> bool:
        require_compliance(user)
        removed = self._policies.remove(check_object_id(conversation_id))
        if removed:
            self._record(user, "retention.removed", conversation_id, {})
        return removed

    def run(self) -> PurgeReport:
        now = self._clock()
        overrides = self._policies.overrides()
        holds = self._holds.active()  # held data is skipped: conversations, agents' messages
        held = {h.target_id for h in holds if h.kind == "conversation"}
        kept = sorted({h.target_id for h in holds if h.kind == "user"})
        messages = batches = files = 0
        for override in overrides:
            if override.days and override.conversation_id not in held:
                before = now - timedelta(days=override.days)
                m, b, f = self._drain(before, override.conversation_id, (), kept)
                messages, batches, files = messages + m, batches + b, files + f
        if self.global_days:
            excluded = sorted({o.conversation_id for o in overrides} | held)
            m, b, f = self._drain(now - timedelta(days=self.global_days), None, excluded, kept)
            messages, batches, files = messages + m, batches + b, files + f
        logger.info(
            "retention: %s message(s) in %s batch(es), %s file(s)", messages, batches, files
        )
        return PurgeReport(messages, batches, files, len(overrides))

    def _drain(
        self,
        before: datetime,
        conversation_id: str | None,
        excluded: Collection[str],
        kept: Collection[str],
    ) -> tuple[int, int, int]:
        messages = batches = files = 0
        while True:
            done = self._purge.purge(before, self._batch, conversation_id, excluded, kept)
            if not done.messages:
                return messages, batches, files
            messages, batches = messages + done.messages, batches + 1
            still = self._purge.attached(done.file_ids) if done.file_ids else set()
            for file_id in done.file_ids:
                if file_id not in still:
                    self._files.discard(file_id)
                    files += 1
            if done.messages < self._batch:
                return messages, batches, files

    def _record(self, user: Identity, action: str, target: str, detail: dict[str, object]) -> None:
        entry = AuditEntry(user.user_id, action, "conversation", target, self._clock(), detail)
        self._audit.record(entry)
