"""Push notifications off the request path, up to the jobs (`delivery.py` sends them).

- `PushNotifier` wraps the real-time notifier: after a message is persisted and announced, it
  appends one event to the push outbox (one Redis append, errors swallowed by the outbox).
- `PushFanout` (worker) turns that event into one job per device of each recipient who has no
  live socket anywhere, with the recipient's exact unread total as the badge.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from libs.servicekit.i18n import Catalogue
from services.chat_file.conversations.facade import (
    Conversation,
    Message,
    MessageLookup,
    MessageResult,
)
from services.chat_file.kernel.blocks import BlockList
from services.chat_file.kernel.clock import utc_now
from services.chat_file.kernel.languages import chat_catalogue
from services.chat_file.kernel.notifier import Notifier
from services.chat_file.push.application.ports import (
    DeviceStore,
    NotificationSettingsStore,
    OnlineUsers,
    PushOutbox,
)
from services.chat_file.push.domain.notifications import (
    Translate,
    job,
    notification,
)
from services.chat_file.push.domain.notify_prefs import ConversationPrefs, UserPrefs, should_push
from services.chat_file.users.application.directory import UserDirectory

logger = logging.getLogger(__name__)


def in_language(catalogue: Catalogue, locale: str) -> Translate:
    """The push texts' translation into one recipient's language."""

    def translate(template: str, params: Mapping[str, Any] | None) -> str:
        return catalogue.text(template, locale, params)

    return translate


class PushNotifier:
    """A `Notifier` that also hands every new message to the push outbox."""

    def __init__(self, inner: Notifier, outbox: PushOutbox) -> None:
        self.inner = inner
        self._outbox = outbox

    def notify(self, event: str, payload: object, user_ids: list[str]) -> None:
        self.inner.notify(event, payload, user_ids)
        if event == "newMessage" and isinstance(payload, MessageResult):
            message = payload.message
            self._outbox.message_stored(
                {
                    "messageId": message.id,
                    "conversationId": message.conversation_id,
                    "senderId": message.sender_id,
                }
            )


def with_push(notifier: Notifier, outbox: PushOutbox | None) -> Notifier:
    if outbox is None:
        return notifier
    if isinstance(notifier, PushNotifier):
        notifier = notifier.inner
    return PushNotifier(notifier, outbox)


class PushFanout:
    def __init__(
        self,
        messages: MessageLookup,
        devices: DeviceStore,
        directory: UserDirectory,
        presence: OnlineUsers,
        settings: NotificationSettingsStore,
        clock: Callable[[], datetime] = utc_now,
        blocks: BlockList | None = None,
    ) -> None:
        self._messages = messages
        self._blocks = blocks  # who blocked the sender gets no push from them
        self._devices = devices
        self._directory = directory
        self._presence = presence
        self._settings = settings
        self._clock = clock

    def jobs_for(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """One job per device of each offline recipient whose settings allow it."""
        message = self._messages.message(str(event.get("messageId", "")))
        if message is None or message.deleted:
            return []
        conversation = self._messages.conversation(message.conversation_id)
        if conversation is None:
            return []
        recipients = [u for u in conversation.participants if u != message.sender_id]
        if self._blocks is not None and recipients:
            blocking = self._blocks.blockers_of(message.sender_id, recipients)
            recipients = [u for u in recipients if u not in blocking]
        online = self._presence.online(recipients) if recipients else set()
        prefs = self._wanted(conversation, message, [u for u in recipients if u not in online])
        devices = self._devices.list_for_users(list(prefs)) if prefs else {}
        if not devices:
            return []
        sender = self._directory.resolve(message.sender_id)["name"]
        badges = self._messages.unread_totals(list(devices))
        locales = self._directory.locales(list(devices))  # each recipient's language
        catalogue = chat_catalogue()
        notes = {
            user_id: notification(
                conversation,
                message,
                sender,
                badges[user_id],
                prefs[user_id].previews,
                in_language(catalogue, locales[user_id]),
            )
            for user_id in devices
        }
        return [
            job(message.id, device, notes[user_id])
            for user_id, targets in devices.items()
            for device in targets
        ]

    def _wanted(
        self, conversation: Conversation, message: Message, user_ids: list[str]
    ) -> dict[str, UserPrefs]:
        """The recipients whose settings let this message through, with their settings."""
        users, chats = self._settings.for_recipients(conversation.id, user_ids)
        now, mentioned = self._clock(), set(message.mentions)
        wanted: dict[str, UserPrefs] = {}
        for user_id in user_ids:
            mine = users.get(user_id) or UserPrefs(user_id)
            chat = chats.get(user_id) or ConversationPrefs(user_id, conversation.id)
            if should_push(mine, chat, now, user_id in mentioned):
                wanted[user_id] = mine
        return wanted
