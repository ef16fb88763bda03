"""The port of the sync context: a store of per-user change logs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from services.chat_file.sync.domain.changes import LogSlice


class ChangeLog(Protocol):
    def append(
        self, user_ids: list[str], event: str, data: dict[str, Any], at: datetime
    ) -> dict[str, int]:
        """One entry in the log of each user (ids unique; `data` is a JSON object), numbered
        with that user's next number, all or nothing; each user's new number. Concurrent
        appends for one user never share or skip a number."""
        ...

    def read(self, user_id: str, after: int, limit: int) -> LogSlice:
        """The user's head, the first number kept, and up to `limit` entries numbered after
        `after`, in order. A fixed number of queries whatever the user's conversations."""
        ...

    def head(self, user_id: str) -> int:
        """The user's last allocated number (0 if none)."""
        ...

    def compact(self, before: datetime) -> int:
        """Remove the entries made before `before` (the heads are kept); how many."""
        ...
