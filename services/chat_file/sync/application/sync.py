"""`SyncService`: what a client missed since its token, and the compaction of old entries.

A sync reads one user's log only (two queries whatever the number of their conversations):
the entries after the token, in order, each once; `next` is the token to send next time and
`hasMore` says another call would return more. Without a token the answer is empty and `next`
is the user's current position: what a client keeps after a full load. A token the log can no
longer serve exactly (older than the window, compacted, or past the head) is
`SYNC_TOKEN_EXPIRED`: the client reloads, never a silent gap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from services.chat_file.kernel.clock import utc_now
from services.chat_file.kernel.identity import Identity
from services.chat_file.sync.application.ports import ChangeLog
from services.chat_file.sync.domain.changes import (
    Change,
    check_position,
    check_window,
    parse_limit,
    parse_token,
    token_of,
)


@dataclass(frozen=True)
class SyncPage:
    changes: list[Change]
    next: str
    has_more: bool


class SyncService:
    def __init__(
        self,
        log: ChangeLog,
        window: timedelta,
        max_limit: int,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._log = log
        self.window = window
        self.max_limit = max_limit
        self._clock = clock

    def sync(self, user: Identity, since: Any = None, limit: Any = None) -> SyncPage:
        position = parse_token(since)
        size = parse_limit(limit, self.max_limit)
        if position is None:
            return SyncPage([], token_of(self._log.head(user.user_id)), False)
        found = self._log.read(user.user_id, position, size + 1)
        check_position(position, found)
        check_window(position, found, self._clock() - self.window)
        page = found.changes[:size]
        last = page[-1].seq if page else position
        return SyncPage(page, token_of(last), len(found.changes) > size)

    def compact(self) -> int:
        """Remove the entries older than the window (every user's); how many."""
        return self._log.compact(self._clock() - self.window)
