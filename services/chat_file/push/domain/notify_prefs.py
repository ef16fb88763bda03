"""Notification settings: what a user wants pushed, and when. Plain Python.

Per user: do-not-disturb until a moment, daily quiet hours in their time zone, and preview
privacy. Per user per conversation: a level (`all`, `mentions`, `none`) and a mute until a
moment. Defaults (no row stored): everything is pushed, with previews, in every conversation
type. Decision (`should_push`):
- DND or quiet hours now: nothing, mentions included.
- level `none`: nothing. Level `mentions`, or muted until a later moment: mentions only.
- otherwise: everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.chat_file.kernel.errors import ChatError

# what a stored moment may be (`dndUntil`): later is a typo or a probe, not a wish
EARLIEST_MOMENT = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_MOMENT = datetime(2100, 1, 1, tzinfo=UTC)
CLOCK_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class Level(StrEnum):
    ALL = "all"
    MENTIONS = "mentions"
    NONE = "none"


class InvalidNotificationSettingsError(ChatError):
    code = "INVALID_NOTIFICATION_SETTINGS"
    message = "Paramètres de notification invalides"


@dataclass(frozen=True)
class QuietHours:
    start: str  # "HH:MM", local time
    end: str  # "HH:MM"; before start means the window crosses midnight
    time_zone: str  # IANA name, e.g. "Africa/Douala"

    def contains(self, now: datetime) -> bool:
        local = now.astimezone(ZoneInfo(self.time_zone)).time()
        start, end = _clock(self.start), _clock(self.end)
        if start <= end:
            return start <= local < end
        return local >= start or local < end


@dataclass(frozen=True)
class UserPrefs:
    user_id: str
    dnd_until: datetime | None = None
    quiet_hours: QuietHours | None = None
    previews: bool = True

    def silenced(self, now: datetime) -> bool:
        if self.dnd_until is not None and self.dnd_until > now:
            return True
        return self.quiet_hours is not None and self.quiet_hours.contains(now)


@dataclass(frozen=True)
class ConversationPrefs:
    user_id: str
    conversation_id: str
    level: Level = Level.ALL
    muted_until: datetime | None = None

    def effective_level(self, now: datetime) -> Level:
        if self.level is Level.ALL and self.muted_until is not None and self.muted_until > now:
            return Level.MENTIONS
        return self.level


# Stored settings of a fan-out's recipients: by user id, and for one conversation by user id.
RecipientPrefs = tuple[dict[str, UserPrefs], dict[str, ConversationPrefs]]


def should_push(
    user: UserPrefs, conversation: ConversationPrefs, now: datetime, mentioned: bool
) -> bool:
    if user.silenced(now):
        return False
    level = conversation.effective_level(now)
    return level is Level.ALL or (level is Level.MENTIONS and mentioned)


def parse_level(value: Any) -> Level:
    try:
        return Level(value)
    except ValueError:
        raise InvalidNotificationSettingsError("level doit valoir all, mentions ou none") from None


def parse_moment(value: Any, name: str) -> datetime | None:
    """An ISO-8601 moment with its offset (stored in UTC), or None."""
    if value is None:
        return None
    text = str(value)
    try:
        if len(text) > 64:
            raise ValueError(text[:64])
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidNotificationSettingsError(
            "%(field)s : date ISO-8601 attendue", params={"field": name}
        ) from None
    if moment.tzinfo is None:
        raise InvalidNotificationSettingsError(
            "%(field)s : le fuseau (Z ou ±hh:mm) est requis", params={"field": name}
        )
    try:
        moment = moment.astimezone(UTC)  # year 9999 west of UTC overflows
    except OverflowError:
        moment = LATEST_MOMENT + timedelta(days=1)
    if not EARLIEST_MOMENT <= moment <= LATEST_MOMENT:
        raise InvalidNotificationSettingsError(
            "%(field)s : date entre 1970 et 2100 attendue", params={"field": name}
        )
    return moment


def parse_quiet_hours(value: Any) -> QuietHours | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidNotificationSettingsError("quietHours : {start, end, timeZone} attendu")
    start, end, zone = value.get("start"), value.get("end"), value.get("timeZone")
    if not all(isinstance(v, str) and CLOCK_RE.match(v) for v in (start, end)) or start == end:
        raise InvalidNotificationSettingsError("quietHours : start et end en HH:MM, différents")
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidNotificationSettingsError(
            "quietHours.timeZone : fuseau IANA inconnu"
        ) from None
    return QuietHours(str(start), str(end), str(zone))


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))
