"""The announcements context's part of the web app's composition root."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.chat_file.kernel.clock import utc_now
from services.chat_file.users.application.ports import ProfileCache

from .adapters.outlet import SocketIOAnnouncementOutlet
from .adapters.units import CachedUnits
from .application.announcements import AnnouncementService
from .application.bundle import AnnouncementsServices
from .application.ports import AnnouncementStore


def wire_announcements(
    *,
    store: AnnouncementStore,
    cache: ProfileCache,
    socketio: Any,
    clock: Callable[[], datetime] | None = None,
    reminder_every_minutes: int = 0,
) -> AnnouncementsServices:
    service = AnnouncementService(
        store,
        CachedUnits(cache),
        SocketIOAnnouncementOutlet(socketio),
        clock=clock or utc_now,
        reminder_every_minutes=reminder_every_minutes,
    )
    return AnnouncementsServices(service)


def unit_rooms(cache: ProfileCache) -> Callable[[str], list[str]]:
    """The socket rooms of a user's org unit (its ministère, direction, service), from the
    shared user cache: what realtime joins at connect so `announcement:new` reaches them."""
    units = CachedUnits(cache)

    def rooms(user_id: str) -> list[str]:
        unit = units.unit_of(user_id)
        return unit.rooms() if unit is not None else []

    return rooms
