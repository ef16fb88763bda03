"""The announcements context's settings (docs/configuration.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from libs.servicekit.settings import SettingsError, env_int


@dataclass(frozen=True)
class AnnouncementSettings:
    reminder_every_minutes: int = 60  # ANNOUNCEMENT_REMINDER_MINUTES
    reminder_max: int = 3  # ANNOUNCEMENT_REMINDER_MAX (0: no reminders)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AnnouncementSettings:
        every = env_int(env, "ANNOUNCEMENT_REMINDER_MINUTES", cls.reminder_every_minutes)
        most = env_int(env, "ANNOUNCEMENT_REMINDER_MAX", cls.reminder_max)
        if every < 1 or not 0 <= most <= 50:
            raise SettingsError(
                "ANNOUNCEMENT_REMINDER_MINUTES must be ≥ 1, ANNOUNCEMENT_REMINDER_MAX 0..50"
            )
        return cls(every, most)
