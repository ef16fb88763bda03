"""Broadcasts, their audiences and announcements: plain rules, no I/O.

A broadcast's audience is a few org units and/or named agents; who is in a unit is decided when
asked (the agent's current unit), so joining a unit later puts an agent in the audience and
leaving it takes them out. Nothing is stored per agent of a unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .errors import (
    BroadcastNotFoundError,
    BroadcastReadOnlyError,
    InvalidAnnouncementError,
    InvalidAudienceError,
)
from .units import Unit

MAX_AUDIENCE_UNITS = 200
MAX_AUDIENCE_AGENTS = 1000
MAX_ADMINS = 50
MAX_CONTENT = 10_000


class Priority(StrEnum):
    NORMAL = "normal"
    IMPORTANT = "important"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        """Listing order: urgent first."""
        return {"urgent": 0, "important": 1, "normal": 2}[self.value]


class ReceiptState(StrEnum):
    """How far a recipient got with an announcement; each step implies the ones before."""

    DELIVERED = "delivered"
    READ = "read"
    ACKNOWLEDGED = "acknowledged"


@dataclass(frozen=True, slots=True)
class Audience:
    units: tuple[Unit, ...] = ()
    agents: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.units and not self.agents:
            raise InvalidAudienceError()
        if len(self.units) > MAX_AUDIENCE_UNITS or len(self.agents) > MAX_AUDIENCE_AGENTS:
            raise InvalidAudienceError("Audience trop large : regroupez-la par unités")
        if not all(unit.valid_target for unit in self.units):
            raise InvalidAudienceError("Une unité nomme un ministère (puis direction, service)")

    def includes(self, user_id: str, unit: Unit | None) -> bool:
        """Is this agent (whose current unit is `unit`, None when unknown) a recipient?"""
        if user_id in self.agents:
            return True
        return unit is not None and any(target.contains(unit) for target in self.units)


@dataclass(frozen=True, slots=True)
class Broadcast:
    id: str
    title: str
    created_by: str
    admins: frozenset[str]
    audience: Audience
    created_at: datetime
    last_message_at: datetime | None = None
    message_count: int = 0

    def may_post(self, user_id: str, org_admin: bool) -> bool:
        return org_admin or user_id in self.admins

    def check_can_post(self, user_id: str, org_admin: bool, unit: Unit | None) -> None:
        """Admins post; recipients are read-only; anyone else does not see it."""
        if self.may_post(user_id, org_admin):
            return
        if self.audience.includes(user_id, unit):
            raise BroadcastReadOnlyError()
        raise BroadcastNotFoundError()

    def check_can_read(self, user_id: str, org_admin: bool, unit: Unit | None) -> None:
        if not (self.may_post(user_id, org_admin) or self.audience.includes(user_id, unit)):
            raise BroadcastNotFoundError()


@dataclass(frozen=True, slots=True)
class Announcement:
    id: str
    broadcast_id: str
    sender_id: str
    content: str
    priority: Priority
    request_ack: bool
    created_at: datetime
    next_reminder_at: datetime | None = None  # None: no (more) reminders


def check_content(content: str) -> str:
    text = (content or "").strip()
    if not text or len(text) > MAX_CONTENT:
        raise InvalidAnnouncementError(
            "Le contenu fait de 1 à %(max)s caractères", params={"max": MAX_CONTENT}
        )
    return text


@dataclass(frozen=True, slots=True)
class UnitCensus:
    """One unit's recipients by the furthest state each reached (they sum to the unit's
    audience): `acknowledged`, `read` (not acknowledged), `delivered` (not read), `pending`."""

    unit: str
    acknowledged: int = 0
    read: int = 0
    delivered: int = 0
    pending: int = 0


@dataclass(frozen=True, slots=True)
class Census:
    group_by: str
    units: list[UnitCensus] = field(default_factory=list)
    pending_agents: list[str] = field(default_factory=list)  # the first page of them
