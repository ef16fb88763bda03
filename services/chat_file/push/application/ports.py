"""Ports of push notifications: push targets and notification settings, the queue between
the request path and the worker, presence, and the providers."""

from __future__ import annotations

from typing import Any, Protocol

from services.chat_file.push.domain.devices import Device
from services.chat_file.push.domain.notifications import SendResult
from services.chat_file.push.domain.notify_prefs import ConversationPrefs, RecipientPrefs, UserPrefs


class PushOutbox(Protocol):
    """The request path's end of the queue: one cheap append per stored message. It never
    raises: a queue that is down loses the push, never the send."""

    def message_stored(self, event: dict[str, Any]) -> None: ...


class PushJobs(Protocol):
    """The worker's side of the queue."""

    def enqueue(self, jobs: list[dict[str, Any]]) -> None: ...

    def already_sent(self, job_id: str) -> bool: ...

    def mark_sent(self, job_id: str) -> None: ...

    def retry_later(self, job: dict[str, Any], delay: float) -> None: ...

    def dead_letter(self, job: dict[str, Any], reason: str) -> None: ...

    def count(self, outcome: str, n: int = 1) -> None: ...


class OnlineUsers(Protocol):
    """Which users have a live socket on any process (`RedisPresence.online`)."""

    def online(self, user_ids: list[str]) -> set[str]: ...


class PushSender(Protocol):
    """One provider (Web Push, FCM): send one notification to one device."""

    def send(self, device: dict[str, Any], notification: dict[str, Any]) -> SendResult: ...


class DeviceStore(Protocol):
    """Push targets, indexed by user. One target per (user, deviceId); a token (FCM token or
    Web Push endpoint) belongs to one target only."""

    def register(self, device: Device) -> Device:
        """Upsert on (user, deviceId): the stored device (its first id and createdAt kept).
        Any other target holding the same token is removed (the install changed hands)."""
        ...

    def list_for(self, user_id: str) -> list[Device]:
        """The user's devices, oldest first."""
        ...

    def list_for_users(self, user_ids: list[str]) -> dict[str, list[Device]]:
        """Devices of many users in one query (users without devices are absent)."""
        ...

    def delete(self, user_id: str, device_id: str) -> bool:
        """Remove one of this user's devices by its id; False if it is not theirs or absent."""
        ...

    def delete_token(self, token: str) -> int:
        """Remove the targets holding a token the provider reported dead; how many."""
        ...

    def delete_for_session(self, session_id: str) -> int:
        """Remove the targets registered by this login session (it ended); how many."""
        ...

    def delete_for_user(self, user_id: str, authenticated_up_to_ms: int) -> int:
        """Remove the user's targets registered by sessions that logged in at or before this
        time (ms; every session of the user ended then); how many."""
        ...


class NotificationSettingsStore(Protocol):
    """Per-user and per-user-per-conversation notification settings. Absent rows read as the
    defaults (`UserPrefs(user_id)`, `ConversationPrefs(user_id, conversation_id)`)."""

    def get_user(self, user_id: str) -> UserPrefs: ...

    def put_user(self, prefs: UserPrefs) -> None: ...

    def get_conversation(self, user_id: str, conversation_id: str) -> ConversationPrefs: ...

    def put_conversation(self, prefs: ConversationPrefs) -> None: ...

    def conversations_of(self, user_id: str) -> list[ConversationPrefs]:
        """The user's stored per-conversation settings (not the defaults), by conversation id."""
        ...

    def for_recipients(self, conversation_id: str, user_ids: list[str]) -> RecipientPrefs:
        """Stored settings of these users, and for this conversation: two queries for a
        fan-out (users without a row are absent)."""
        ...
