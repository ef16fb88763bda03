"""What the announcements routes read."""

from __future__ import annotations

from dataclasses import dataclass

from .announcements import AnnouncementService


@dataclass(frozen=True)
class AnnouncementsServices:
    announcements: AnnouncementService
