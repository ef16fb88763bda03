"""`NotificationSettingsService`: read and change a user's notification settings.

A change is persisted, then announced to every device of the user (`notificationSettings:
updated`, the settings as changed), so all of them show the same switches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from services.chat_file.conversations.facade import Participation
from services.chat_file.kernel.clock import utc_now
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.notifier import Notifier
from services.chat_file.push.application.ports import NotificationSettingsStore
from services.chat_file.push.domain.notify_prefs import (
    ConversationPrefs,
    InvalidNotificationSettingsError,
    UserPrefs,
    parse_level,
    parse_moment,
    parse_quiet_hours,
)

EVENT = "notificationSettings:updated"


class NotificationSettingsService:
    def __init__(
        self,
        store: NotificationSettingsStore,
        participation: Participation,
        notifier: Notifier,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._participation = participation
        self.notifier = notifier
        self._clock = clock

    def get(self, user: Identity) -> NotificationSettings:
        prefs = self._store.get_user(user.user_id)
        return NotificationSettings(prefs, self._store.conversations_of(user.user_id))

    def update(self, user: Identity, body: dict[str, Any]) -> UserPrefs:
        """Fields present in the body are replaced (null clears); absent ones are kept."""
        prefs = self._store.get_user(user.user_id)
        if "dndUntil" in body:
            prefs = replace(prefs, dnd_until=parse_moment(body["dndUntil"], "dndUntil"))
        if "quietHours" in body:
            prefs = replace(prefs, quiet_hours=parse_quiet_hours(body["quietHours"]))
        if "previews" in body:
            if not isinstance(body["previews"], bool):
                raise InvalidNotificationSettingsError("previews : booléen attendu")
            prefs = replace(prefs, previews=body["previews"])
        self._store.put_user(prefs)
        self.notifier.notify(EVENT, prefs, [user.user_id])
        return prefs

    def get_conversation(self, user: Identity, conversation_id: str) -> ConversationPrefs:
        conversation = self._participation.joined(user, conversation_id)
        return self._store.get_conversation(user.user_id, conversation.id)

    def update_conversation(
        self, user: Identity, conversation_id: str, body: dict[str, Any]
    ) -> ConversationPrefs:
        conversation = self._participation.joined(user, conversation_id)
        prefs = self._store.get_conversation(user.user_id, conversation.id)
        if "level" in body:
            prefs = replace(prefs, level=parse_level(body["level"]))
        if "mutedUntil" in body:
            prefs = replace(prefs, muted_until=parse_moment(body["mutedUntil"], "mutedUntil"))
        self._store.put_conversation(prefs)
        self.notifier.notify(EVENT, prefs, [user.user_id])
        return prefs


@dataclass(frozen=True)
class NotificationSettings:
    """A user's settings and their per-conversation overrides (not the defaults)."""

    user: UserPrefs
    conversations: list[ConversationPrefs]
