"""Push notifications off the request path.

- `PushNotifier` wraps the real-time notifier: after a message is persisted and announced, it
  appends one event to the push outbox (one Redis append, errors swallowed by the outbox).
- `PushFanout` (worker) turns that event into one job per device of each recipient who has no
  live socket anywhere, with the recipient's exact unread total as the badge.
- `PushDelivery` (worker) sends one job through its provider and acts on the answer: dedupe,
  retry with backoff honouring Retry-After, delete dead tokens, dead-letter the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.chat_file.application.directory import UserDirectory
from services.chat_file.application.ports import (
    BadgeCounts,
    ConversationStore,
    DeviceStore,
    MessageStore,
    NotificationSettingsStore,
)
from services.chat_file.application.push_ports import OnlineUsers, PushJobs, PushOutbox, PushSender
from services.chat_file.domain.model import Conversation, Message
from services.chat_file.domain.notify_prefs import ConversationPrefs, UserPrefs, should_push
from services.chat_file.domain.push import Outcome, SendResult, job, notification, retry_delay
from services.chat_file.kernel.clock import utc_now
from services.chat_file.kernel.notifier import Notifier

logger = logging.getLogger(__name__)


class PushNotifier:
    """A `Notifier` that also hands every new message to the push outbox."""

    def __init__(self, inner: Notifier, outbox: PushOutbox) -> None:
        self.inner = inner
        self._outbox = outbox

    def notify(self, event: str, payload: dict[str, Any], user_ids: list[str]) -> None:
        self.inner.notify(event, payload, user_ids)
        if event == "newMessage":
            self._outbox.message_stored(
                {
                    "messageId": payload["id"],
                    "conversationId": payload["conversationId"],
                    "senderId": payload["senderId"],
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
        conversations: ConversationStore,
        messages: MessageStore,
        devices: DeviceStore,
        directory: UserDirectory,
        presence: OnlineUsers,
        settings: NotificationSettingsStore,
        badges: BadgeCounts,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._conversations = conversations
        self._messages = messages
        self._devices = devices
        self._directory = directory
        self._presence = presence
        self._settings = settings
        self._badges = badges
        self._clock = clock

    def jobs_for(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """One job per device of each offline recipient whose settings allow it."""
        message = self._messages.get(str(event.get("messageId", "")))
        if message is None or message.deleted:
            return []
        conversation = self._conversations.get(message.conversation_id)
        if conversation is None:
            return []
        recipients = [u for u in conversation.participants if u != message.sender_id]
        online = self._presence.online(recipients) if recipients else set()
        prefs = self._wanted(conversation, message, [u for u in recipients if u not in online])
        devices = self._devices.list_for_users(list(prefs)) if prefs else {}
        if not devices:
            return []
        sender = self._directory.resolve(message.sender_id)["name"]
        badges = self._badges.totals_for(list(devices))
        return [
            job(
                message.id,
                device,
                notification(
                    conversation, message, sender, badges[user_id], prefs[user_id].previews
                ),
            )
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


class PushDelivery:
    def __init__(
        self,
        jobs: PushJobs,
        senders: dict[str, PushSender],
        devices: DeviceStore,
        *,
        max_attempts: int = 8,
        retry_base: float = 2.0,
        retry_cap: float = 600.0,
    ) -> None:
        self._jobs = jobs
        self._senders = senders
        self._devices = devices
        self.max_attempts = max_attempts
        self.retry_base = retry_base
        self.retry_cap = retry_cap

    def deliver(self, item: dict[str, Any]) -> Outcome | None:
        """Send one job and settle it; None when it was already sent (a redelivered job)."""
        if self._jobs.already_sent(item["jobId"]):
            return None
        sender = self._senders.get(item["device"]["platform"])
        if sender is None:
            self._jobs.dead_letter(item, "provider not configured")
            return Outcome.REJECTED
        result = self._send(sender, item)
        self._settle(item, result)
        return result.outcome

    def _send(self, sender: PushSender, item: dict[str, Any]) -> SendResult:
        try:
            return sender.send(item["device"], item["notification"])
        except Exception:  # a provider bug must not kill the worker: retried like a 5xx
            logger.exception("push sender failed for job %s", item["jobId"])
            return SendResult(Outcome.RETRY)

    def _settle(self, item: dict[str, Any], result: SendResult) -> None:
        if result.outcome is Outcome.SENT:
            self._jobs.mark_sent(item["jobId"])
            self._jobs.count("sent")
        elif result.outcome is Outcome.GONE:
            self._devices.delete_token(item["device"]["token"])
            self._jobs.count("token_deleted")
        elif result.outcome is Outcome.RETRY and item["attempt"] + 1 < self.max_attempts:
            delay = retry_delay(
                item["attempt"], self.retry_base, self.retry_cap, result.retry_after
            )
            self._jobs.retry_later({**item, "attempt": item["attempt"] + 1}, delay)
            self._jobs.count("retried")
        else:
            self._jobs.count("failed")
            self._jobs.dead_letter(item, f"{result.outcome.value} {result.status}")
