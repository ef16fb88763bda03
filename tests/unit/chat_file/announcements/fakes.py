"""In-memory fakes of the announcements ports (the store passes the same contract suite as the
SQL adapter: tests/integration/chat_file/announcements/test_announcement_store_contract.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from services.chat_file.announcements.domain.model import (
    Announcement,
    Audience,
    Broadcast,
    ReceiptState,
    UnitCensus,
)
from services.chat_file.announcements.domain.units import LEVELS, Unit

ORDER = (ReceiptState.DELIVERED, ReceiptState.READ, ReceiptState.ACKNOWLEDGED)


class FakeAnnouncementStore:
    def __init__(self) -> None:
        self.broadcasts: dict[str, Broadcast] = {}
        self.announcements: dict[str, Announcement] = {}
        self.members: dict[str, Unit] = {}
        self.receipts: dict[tuple[str, str], dict[ReceiptState, datetime]] = {}
        self.writes = 0
        self.rounds: dict[str, int] = {}

    def create_broadcast(self, broadcast: Broadcast) -> None:
        self.broadcasts[broadcast.id] = broadcast

    def get_broadcast(self, broadcast_id: str) -> Broadcast | None:
        return self.broadcasts.get(broadcast_id)

    def append(self, announcement: Announcement) -> None:
        self.announcements[announcement.id] = announcement
        found = self.broadcasts[announcement.broadcast_id]
        self.broadcasts[found.id] = replace(
            found, message_count=found.message_count + 1, last_message_at=announcement.created_at
        )
        self.writes += 2

    def get_announcement(self, announcement_id: str) -> Announcement | None:
        return self.announcements.get(announcement_id)

    def record(self, announcement_id: str, user_id: str, state: ReceiptState, at: datetime) -> bool:
        reached = self.receipts.setdefault((announcement_id, user_id), {})
        if state in reached:
            return False
        for step in ORDER[: ORDER.index(state) + 1]:
            reached.setdefault(step, at)
        self.writes += 1
        return True

    def put_members(self, members: Iterable[tuple[str, Unit]]) -> None:
        self.members.update(members)

    def _audience(self, audience: Audience) -> list[str]:
        return sorted(uid for uid, unit in self.members.items() if audience.includes(uid, unit))

    def audience_page(self, audience: Audience, after: str, limit: int) -> list[str]:
        return [uid for uid in self._audience(audience) if uid > after][:limit]

    def census(self, announcement_id: str, audience: Audience, level: str) -> list[UnitCensus]:
        depth = LEVELS.index(level) + 1
        counts: dict[str, list[int]] = {}
        for uid in self._audience(audience):
            unit = self.members[uid]
            name = "/".join((unit.ministere, unit.direction, unit.service)[:depth])
            reached = self.receipts.get((announcement_id, uid), {})
            slot = 3 - len(reached)  # 0 acknowledged, 1 read, 2 delivered, 3 pending
            counts.setdefault(name, [0, 0, 0, 0])[slot] += 1
        return [UnitCensus(name, *counts[name]) for name in sorted(counts)]

    def pending_agents(
        self,
        announcement_id: str,
        audience: Audience,
        target: ReceiptState,
        limit: int,
        after: str = "",
    ) -> list[str]:
        return [
            uid
            for uid in self._audience(audience)
            if uid > after and target not in self.receipts.get((announcement_id, uid), {})
        ][:limit]

    def reminders_due(self, now: datetime, most: int, limit: int) -> list[tuple[Announcement, int]]:
        due = [
            (sent, self.rounds.get(sent.id, 0))
            for sent in self.announcements.values()
            if sent.next_reminder_at is not None
            and sent.next_reminder_at <= now
            and self.rounds.get(sent.id, 0) < most
        ]
        return sorted(due, key=lambda d: d[0].next_reminder_at or now)[:limit]

    def reminded(self, announcement_id: str, rounds: int, next_at: datetime | None) -> None:
        self.rounds[announcement_id] = rounds
        sent = self.announcements[announcement_id]
        self.announcements[announcement_id] = replace(sent, next_reminder_at=next_at)


class FakeUnits:
    def __init__(self, units: dict[str, Unit] | None = None) -> None:
        self.units = units or {}

    def unit_of(self, user_id: str) -> Unit | None:
        return self.units.get(user_id)


@dataclass
class FakeOutlet:
    live_calls: list[tuple[Announcement, list[str], list[str]]] = field(default_factory=list)
    pushed: list[list[str]] = field(default_factory=list)

    def live(self, announcement: Announcement, rooms: list[str], agents: list[str]) -> None:
        self.live_calls.append((announcement, rooms, agents))

    def push(self, announcement: Announcement, user_ids: list[str]) -> None:
        self.pushed.append(list(user_ids))
