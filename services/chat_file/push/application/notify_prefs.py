"""`NotificationSettingsService`: read and change a user's notification settings.

A change is persisted, then announced to every device of the user (`notificationSettings:
updated` to every device of the user), so all of them show the same switches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from services.chat_file.conversations.facade import Participation
from services.chat_file.kernel.clock import iso, utc_now
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

    def get(self, user: Identity) -> dict[str, Any]:
        prefs = self._store.get_user(user.user_id)
        chats = self._store.conversations_of(user.user_id)
        return {**user_view(prefs), "conversations": [conversation_view(c) for c in chats]}

    def update(self, user: Identity, body: dict[str, Any]) -> dict[str, Any]:
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
        view = user_view(prefs)
        self._announce(user.user_id, {"scope": "user", **view})
        return view

    def get_conversation(self, user: Identity, conversation_id: str) -> dict[str, Any]:
        conversation = self._participation.joined(user, conversation_id)
        return conversation_view(self._store.get_conversation(user.user_id, conversation.id))

    def update_conversation(
        self, user: Identity, conversation_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        conversation = self._participation.joined(user, conversation_id)
        prefs = self._store.get_conversation(user.user_id, conversation.id)
        if "level" in body:
            prefs = replace(prefs, level=parse_level(body["level"]))
        if "mutedUntil" in body:
            prefs = replace(prefs, muted_until=parse_moment(body["mutedUntil"], "mutedUntil"))
        self._store.put_conversation(prefs)
        view = conversation_view(prefs)
        self._announce(user.user_id, {"scope": "conversation", **view})
        return view

    def _announce(self, user_id: str, payload: dict[str, Any]) -> None:
        self.notifier.notify(EVENT, payload, [user_id])


def user_view(prefs: UserPrefs) -> dict[str, Any]:
    quiet = prefs.quiet_hours
    return {
        "dndUntil": iso(prefs.dnd_until),
        "quietHours": (
            {"start": quiet.start, "end": quiet.end, "timeZone": quiet.time_zone} if quiet else None
        ),
        "previews": prefs.previews,
    }


def conversation_view(prefs: ConversationPrefs) -> dict[str, Any]:
    return {
        "conversationId": prefs.conversation_id,
        "level": prefs.level.value,
        "mutedUntil": iso(prefs.muted_until),
    }
