"""In-memory fakes of the moderation context's storage ports (reports, the audit trail), with
the semantics tests/integration/chat_file/moderation/test_report_store_contract.py checks on
every backend."""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime
from typing import Any

from services.chat_file.moderation.domain.audit import AuditEntry
from services.chat_file.moderation.domain.holds import LegalHold
from services.chat_file.moderation.domain.reports import (
    AlreadyReportedError,
    Report,
    ReportFilter,
    ReportStatus,
)
from services.chat_file.moderation.domain.retention import RetentionOverride

_ids = itertools.count(1)


def _new_id() -> str:
    return f"{0x6B000000 + next(_ids):024x}"  # 24-hex, increasing like ObjectIds


class FakeReportStore:
    def __init__(self) -> None:
        self.rows: dict[str, Report] = {}
        self._lock = threading.Lock()

    def add(self, report: Report) -> Report:
        with self._lock:
            for row in self.rows.values():
                if (row.message_id, row.reporter_id) == (report.message_id, report.reporter_id):
                    raise AlreadyReportedError()
            report.id = _new_id()
            self.rows[report.id] = copy.deepcopy(report)
        return report

    def get(self, report_id: str) -> Report | None:
        row = self.rows.get(report_id)
        return copy.deepcopy(row) if row else None

    def page(self, where: ReportFilter, before: str | None, limit: int) -> list[Report]:
        found = [
            copy.deepcopy(r)
            for r in sorted(self.rows.values(), key=lambda r: r.id, reverse=True)
            if (where.status is None or r.status is where.status)
            and (where.reason is None or r.reason == where.reason)
            and (where.conversation_id is None or r.conversation_id == where.conversation_id)
            and (where.reporter_id is None or r.reporter_id == where.reporter_id)
            and (where.sender_id is None or r.snapshot.sender_id == where.sender_id)
            and (before is None or r.id < before)
        ]
        return found[:limit]

    def close(
        self, report_id: str, status: ReportStatus, by: str, at: datetime, note: str
    ) -> Report | None:
        with self._lock:
            row = self.rows.get(report_id)
            if row is None or row.status is not ReportStatus.OPEN:
                return None
            closed = replace(row, status=status, closed_by=by, closed_at=at, note=note)
            self.rows[report_id] = closed
        return copy.deepcopy(closed)


class FakeAuditLog:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    def record(self, entry: AuditEntry) -> None:
        self.entries.append(replace(entry, id=entry.id or _new_id()))

    def recent(self, target_id: str | None = None, limit: int = 50) -> list[AuditEntry]:
        found = [e for e in reversed(self.entries) if target_id is None or e.target_id == target_id]
        return found[:limit]


class FakeBlockStore:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], datetime] = {}

    def block(self, blocker_id: str, blocked_id: str, at: datetime) -> bool:
        if (blocker_id, blocked_id) in self.rows:
            return False
        self.rows[(blocker_id, blocked_id)] = at
        return True

    def unblock(self, blocker_id: str, blocked_id: str) -> bool:
        return self.rows.pop((blocker_id, blocked_id), None) is not None

    def blocked_by(self, blocker_id: str) -> list[str]:
        mine = [(at, b) for (a, b), at in self.rows.items() if a == blocker_id]
        return [b for _, b in sorted(mine, key=lambda row: (-row[0].timestamp(), row[1]))]

    def pairs(self) -> list[tuple[str, str]]:
        return sorted(self.rows)

    def has_blocked(self, blocker_id: str, blocked_id: str) -> bool:
        return (blocker_id, blocked_id) in self.rows

    def blockers_of(self, user_id: str, among: Collection[str]) -> set[str]:
        return {a for (a, b) in self.rows if b == user_id and a in among}

    def blocked_either_way(self, user_id: str, among: Collection[str]) -> set[str]:
        pairs = self.rows
        return {u for u in among if (user_id, u) in pairs or (u, user_id) in pairs}


class FakeSuspensions:
    """The suspended agents in memory (the Redis adapter's contract: at once in this process)."""

    def __init__(self) -> None:
        self.users: set[str] = set()

    def suspend(self, user_id: str) -> None:
        self.users.add(user_id)

    def lift(self, user_id: str) -> None:
        self.users.discard(user_id)

    def suspended(self) -> list[str]:
        return sorted(self.users)

    def is_suspended(self, user_id: str) -> bool:
        return user_id in self.users


class FakeRetentionPolicyStore:
    def __init__(self) -> None:
        self.rows: dict[str, RetentionOverride] = {}

    def put(self, override: RetentionOverride) -> None:
        self.rows[override.conversation_id] = override

    def remove(self, conversation_id: str) -> bool:
        return self.rows.pop(conversation_id, None) is not None

    def overrides(self) -> list[RetentionOverride]:
        return [self.rows[c] for c in sorted(self.rows)]


class FakeHoldStore:
    def __init__(self) -> None:
        self.rows: dict[str, LegalHold] = {}
        self.copies: dict[str, dict[str, Any]] = {}

    def add(self, hold: LegalHold) -> LegalHold:
        stored = replace(hold, id=_new_id())
        self.rows[stored.id] = stored
        return stored

    def get(self, hold_id: str) -> LegalHold | None:
        return self.rows.get(hold_id)

    def release(self, hold_id: str, by: str, at: datetime) -> LegalHold | None:
        row = self.rows.get(hold_id)
        if row is None or not row.active:
            return None
        self.rows[hold_id] = replace(row, released_by=by, released_at=at)
        return self.rows[hold_id]

    def active(self) -> list[LegalHold]:
        return [self.rows[k] for k in sorted(self.rows) if self.rows[k].active]

    def is_held(self, conversation_id: str, sender_id: str) -> bool:
        wanted = {("conversation", conversation_id), ("user", sender_id)}
        return any((h.kind, h.target_id) in wanted for h in self.active())

    def keep(
        self,
        message_id: str,
        conversation_id: str,
        sender_id: str,
        content: str,
        edit_history: list[dict[str, Any]],
        at: datetime,
    ) -> None:
        self.copies.setdefault(
            message_id,
            {
                "conversationId": conversation_id,
                "senderId": sender_id,
                "content": content,
                "editHistory": copy.deepcopy(edit_history),
                "keptAt": at,
            },
        )

    def kept(self, message_id: str) -> dict[str, Any] | None:
        return copy.deepcopy(self.copies.get(message_id))


class FakeBlockIndex:
    """The presence path's block index read straight from the fake store (nothing to write)."""

    def __init__(self, store: FakeBlockStore) -> None:
        self._store = store
        self.updates: list[tuple[str, str, str]] = []

    def added(self, blocker_id: str, blocked_id: str) -> None:
        self.updates.append(("added", blocker_id, blocked_id))

    def removed(self, blocker_id: str, blocked_id: str) -> None:
        self.updates.append(("removed", blocker_id, blocked_id))

    def has_blocked(self, blocker_id: str, blocked_id: str) -> bool:
        return self._store.has_blocked(blocker_id, blocked_id)

    def blockers_of(self, user_id: str, among: Collection[str]) -> set[str]:
        return self._store.blockers_of(user_id, among)

    def blocked_either_way(self, user_id: str, among: Collection[str]) -> set[str]:
        return self._store.blocked_either_way(user_id, among)
