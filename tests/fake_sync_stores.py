"""In-memory fake of the sync context's `ChangeLog` (the contract suite holds it to the real
backends: tests/integration/chat_file/sync/test_change_log_contract.py)."""

from __future__ import annotations

import copy
import threading
from datetime import datetime
from typing import Any

from services.chat_file.sync.domain.changes import Change, LogSlice


class FakeChangeLog:
    def __init__(self) -> None:
        self.heads: dict[str, int] = {}
        self.entries: dict[str, list[Change]] = {}
        self.appends = 0  # calls (a test checks one append per write)
        self._lock = threading.Lock()

    def append(
        self, user_ids: list[str], event: str, data: dict[str, Any], at: datetime
    ) -> dict[str, int]:
        numbers: dict[str, int] = {}
        with self._lock:
            self.appends += 1
            for user in sorted(set(user_ids)):
                numbers[user] = self.heads.get(user, 0) + 1
                self.heads[user] = numbers[user]
                change = Change(numbers[user], event, copy.deepcopy(data), at)
                self.entries.setdefault(user, []).append(change)
        return numbers

    def read(self, user_id: str, after: int, limit: int) -> LogSlice:
        with self._lock:
            if user_id not in self.heads:
                return LogSlice(0, None, [])
            kept = self.entries.get(user_id, [])
            page = [copy.deepcopy(c) for c in kept if c.seq > after][:limit]
            return LogSlice(self.heads[user_id], kept[0].seq if kept else None, page)

    def head(self, user_id: str) -> int:
        with self._lock:
            return self.heads.get(user_id, 0)

    def compact(self, before: datetime) -> int:
        removed = 0
        with self._lock:
            for user, kept in self.entries.items():
                fresh = [c for c in kept if c.at >= before]
                removed += len(kept) - len(fresh)
                self.entries[user] = fresh
        return removed
