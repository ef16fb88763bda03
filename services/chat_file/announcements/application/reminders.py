"""`ReminderService`: a reminder push to the recipients who have not acknowledged, every N
minutes after the send, up to M times.

Each round reads the announcements whose next reminder is due, then their unacknowledged
recipients a page at a time (so an acknowledgement always stops the next round), drops those
inside quiet hours or do-not-disturb unless the announcement is urgent, queues the rest, and
records the round (the next one is N minutes later; after M, none).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from services.chat_file.kernel.clock import utc_now

from ..domain.model import Priority, ReceiptState
from .ports import AnnouncementStore, PushPages

PAGE = 1000


class QuietRecipients(Protocol):
    """Who among these users must not be disturbed now (quiet hours, do-not-disturb)."""

    def quiet(self, user_ids: list[str], now: datetime) -> set[str]: ...


class ReminderService:
    def __init__(
        self,
        store: AnnouncementStore,
        quiet: QuietRecipients,
        pages: PushPages,
        *,
        every_minutes: int,
        most: int,
        clock: Callable[[], datetime] = utc_now,
        page: int = PAGE,
    ) -> None:
        self._store = store
        self._quiet = quiet
        self._pages = pages
        self._every = timedelta(minutes=every_minutes)
        self._most = most
        self._clock = clock
        self._page = page

    def run_once(self) -> int:
        """One pass over the due announcements; returns how many reminders were queued."""
        now = self._clock()
        queued = 0
        for sent, rounds in self._store.reminders_due(now, self._most, 100):
            found = self._store.get_broadcast(sent.broadcast_id)
            if found is None:
                continue
            after = ""
            while True:
                page = self._store.pending_agents(
                    sent.id, found.audience, ReceiptState.ACKNOWLEDGED, self._page, after
                )
                if not page:
                    break
                after = page[-1]
                if sent.priority is not Priority.URGENT:
                    quiet = self._quiet.quiet(page, now)
                    page = [uid for uid in page if uid not in quiet]
                if page:
                    self._pages.push(sent, page)
                    queued += len(page)
            done = rounds + 1
            following = now + self._every if done < self._most else None
            self._store.reminded(sent.id, done, following)
        return queued
