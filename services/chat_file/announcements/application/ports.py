"""The announcements context's ports: its store (broadcasts, announcements, receipts and the org
membership table the census counts against), where an agent's unit comes from, and how an
announcement reaches people."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from ..domain.model import Announcement, Audience, Broadcast, ReceiptState, UnitCensus
from ..domain.units import Unit


class AnnouncementStore(Protocol):
    def create_broadcast(self, broadcast: Broadcast) -> None: ...

    def get_broadcast(self, broadcast_id: str) -> Broadcast | None: ...

    def append(self, announcement: Announcement) -> None:
        """One announcement row and one update of its broadcast (count, last time)."""

    def get_announcement(self, announcement_id: str) -> Announcement | None: ...

    def record(self, announcement_id: str, user_id: str, state: ReceiptState, at: datetime) -> bool:
        """Mark `state` (and the states before it) reached at `at` unless it already was;
        True when something was written."""

    def put_members(self, members: Iterable[tuple[str, Unit]]) -> None:
        """Set the current unit of these agents (the membership table the census counts)."""

    def audience_page(self, audience: Audience, after: str, limit: int) -> list[str]:
        """The audience's agent ids above `after`, in id order: a page at a time."""

    def census(self, announcement_id: str, audience: Audience, level: str) -> list[UnitCensus]:
        """Exact counts per unit (grouped down to `level`), in one query."""

    def pending_agents(
        self,
        announcement_id: str,
        audience: Audience,
        target: ReceiptState,
        limit: int,
        after: str = "",
    ) -> list[str]:
        """The first `limit` recipients (by id, above `after`) who have not reached `target`."""

    def reminders_due(self, now: datetime, most: int, limit: int) -> list[tuple[Announcement, int]]:
        """Announcements whose next reminder is due, with the rounds already done."""

    def reminded(self, announcement_id: str, rounds: int, next_at: datetime | None) -> None:
        """Record a reminder round and when the next one is due (None: no more)."""


class UnitDirectory(Protocol):
    """An agent's current unit, from the shared user cache (None when unknown)."""

    def unit_of(self, user_id: str) -> Unit | None: ...


class AnnouncementOutlet(Protocol):
    """Where a sent announcement goes live: the socket rooms of its units and its named
    agents."""

    def live(self, announcement: Announcement, rooms: list[str], agents: list[str]) -> None: ...


class PushPages(Protocol):
    """The push queue's end for announcements: one page of recipients per call."""

    def push(self, announcement: Announcement, user_ids: list[str]) -> None: ...
