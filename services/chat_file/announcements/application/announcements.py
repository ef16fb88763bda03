"""`AnnouncementService`: create a broadcast, send to it, acknowledge, count.

`org_admin` is the caller's `role` claim being `admin`: org admins may post to any broadcast
and see any census; otherwise only the broadcast's own admins may.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from services.chat_file.kernel.clock import utc_now

from ..domain.errors import (
    AckNotRequestedError,
    AnnouncementNotFoundError,
    BroadcastNotFoundError,
    BroadcastReadOnlyError,
    InvalidAnnouncementError,
    InvalidAudienceError,
)
from ..domain.model import (
    MAX_ADMINS,
    Announcement,
    Audience,
    Broadcast,
    Census,
    Priority,
    ReceiptState,
    check_content,
)
from ..domain.units import LEVELS, Unit
from .ports import AnnouncementOutlet, AnnouncementStore, PushPages, UnitDirectory

PUSH_PAGE = 1000  # recipients read and queued at a time: memory stays bounded by it
PENDING_PAGE = 200


def new_id() -> str:
    return secrets.token_hex(12)


class AnnouncementService:
    def __init__(
        self,
        store: AnnouncementStore,
        units: UnitDirectory,
        outlet: AnnouncementOutlet,
        *,
        clock: Callable[[], datetime] = utc_now,
        push_page: int = PUSH_PAGE,
        reminder_every_minutes: int = 0,
    ) -> None:
        self._store = store
        self._units = units
        self._outlet = outlet
        self._clock = clock
        self._push_page = push_page
        self._remind = timedelta(minutes=reminder_every_minutes) if reminder_every_minutes else None

    def create_broadcast(
        self,
        user_id: str,
        org_admin: bool,
        *,
        title: str,
        units: Iterable[Unit],
        agents: Iterable[str] = (),
        admins: Iterable[str] = (),
    ) -> Broadcast:
        """Org admins create broadcasts; the creator is one of its admins."""
        if not org_admin:
            raise BroadcastReadOnlyError("Seuls les administrateurs créent des diffusions")
        audience = Audience(tuple(dict.fromkeys(units)), frozenset(agents))
        owners = frozenset({user_id, *admins})
        if len(owners) > MAX_ADMINS:
            raise InvalidAudienceError(
                "%(max)s administrateurs au plus", params={"max": MAX_ADMINS}
            )
        title = (title or "").strip()
        if not title or len(title) > 200:
            raise InvalidAnnouncementError("Le titre fait de 1 à 200 caractères")
        broadcast = Broadcast(new_id(), title, user_id, owners, audience, self._clock())
        self._store.create_broadcast(broadcast)
        return broadcast

    def broadcast(self, user_id: str, org_admin: bool, broadcast_id: str) -> Broadcast:
        found = self._store.get_broadcast(broadcast_id)
        if found is None:
            raise BroadcastNotFoundError()
        found.check_can_read(user_id, org_admin, self._unit(user_id, found, org_admin))
        return found

    def send(
        self,
        user_id: str,
        org_admin: bool,
        broadcast_id: str,
        *,
        content: str,
        priority: Priority = Priority.NORMAL,
        request_ack: bool = False,
    ) -> Announcement:
        """Persist (one row, one broadcast update), then the live emit to the unit rooms."""
        found = self._store.get_broadcast(broadcast_id)
        if found is None:
            raise BroadcastNotFoundError()
        found.check_can_post(user_id, org_admin, self._unit(user_id, found, org_admin))
        text = check_content(content)
        now = self._clock()
        first = now + self._remind if request_ack and self._remind else None
        sent = Announcement(
            new_id(), broadcast_id, user_id, text, priority, request_ack, now, first
        )
        self._store.append(sent)
        rooms = [unit.room() for unit in found.audience.units]
        self._outlet.live(sent, rooms, sorted(found.audience.agents))
        return sent

    def fan_out_push(self, announcement_id: str, pages: PushPages) -> int:
        """Queue the push of an announcement to its audience, a page at a time (the push
        worker's fan-out skips who is online and respects their settings). Returns how many
        recipients were queued."""
        sent, found = self._load(announcement_id)
        after, queued = "", 0
        while True:
            page = self._store.audience_page(found.audience, after, self._push_page)
            if not page:
                return queued
            pages.push(sent, page)
            queued += len(page)
            after = page[-1]

    def mark(self, user_id: str, announcement_id: str, state: ReceiptState) -> bool:
        """A recipient's delivered / read / acknowledged, written once (idempotent)."""
        sent, found = self._load(announcement_id)
        found.check_can_read(user_id, False, self._units.unit_of(user_id))
        if state is ReceiptState.ACKNOWLEDGED and not sent.request_ack:
            raise AckNotRequestedError()
        return self._store.record(announcement_id, user_id, state, self._clock())

    def census(self, user_id: str, org_admin: bool, announcement_id: str, group_by: str) -> Census:
        """Counts per unit and the first pending agents: the author, the broadcast's admins
        and org admins only."""
        if group_by not in LEVELS:
            raise InvalidAnnouncementError("groupBy : ministere, direction ou service")
        sent, found = self._load(announcement_id)
        if not (user_id == sent.sender_id or found.may_post(user_id, org_admin)):
            found.check_can_read(user_id, False, self._units.unit_of(user_id))
            raise BroadcastReadOnlyError()
        rows = self._store.census(announcement_id, found.audience, group_by)
        target = ReceiptState.ACKNOWLEDGED if sent.request_ack else ReceiptState.READ
        pending = self._store.pending_agents(announcement_id, found.audience, target, PENDING_PAGE)
        return Census(group_by, rows, pending)

    def learn_units(self, org_admin: bool, members: Iterable[tuple[str, Unit]]) -> int:
        """Record agents' current units in the membership table the census and the fan-out
        read (org admins: what a directory sync job sends)."""
        if not org_admin:
            raise BroadcastReadOnlyError("Seuls les administrateurs mettent à jour les unités")
        known = dict(members)
        self._store.put_members(known.items())
        return len(known)

    def _load(self, announcement_id: str) -> tuple[Announcement, Broadcast]:
        sent = self._store.get_announcement(announcement_id)
        found = self._store.get_broadcast(sent.broadcast_id) if sent else None
        if sent is None or found is None:
            raise AnnouncementNotFoundError()
        return sent, found

    def _unit(self, user_id: str, found: Broadcast, org_admin: bool) -> Unit | None:
        if found.may_post(user_id, org_admin) or user_id in found.audience.agents:
            return None  # no cache read needed
        return self._units.unit_of(user_id)
