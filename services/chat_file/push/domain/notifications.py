"""What a push notification says, and what a provider's answer means. Plain Python.

One job = one notification to one device: `{jobId, messageId, userId, device, notification,
attempt}` (JSON on the queue). `jobId` is `<messageId>:<deviceId>`, the dedupe key.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from libs.servicekit.i18n import N_
from libs.usercache import UNKNOWN_USER_NAME
from services.chat_file.conversations.facade import (
    Conversation,
    ConversationType,
    Message,
    MessageType,
)
from services.chat_file.push.domain.devices import Device

PREVIEW_CHARS = 120
FILE_PREVIEW = N_("📎 Fichier")
PRIVATE_PREVIEW = N_("Nouveau message")
GROUP_TITLE = N_("Groupe")  # a group without a name
UNKNOWN_SENDER = N_("Utilisateur inconnu")  # = UNKNOWN_USER_NAME, the directory's fallback
SENDER_AND_PREVIEW = N_("%(sender)s : %(preview)s")  # a group's body

# A push text in the recipient's language: `(template, params)` → text. French (the templates
# themselves) unless the fan-out passes the catalogue's.
Translate = Callable[[str, Mapping[str, Any] | None], str]


def french(template: str, params: Mapping[str, Any] | None = None) -> str:
    return template % dict(params) if params else template


MAX_RETRY_AFTER = 3600.0


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # 429, 5xx, timeout, connection refused: try again later
    GONE = "gone"  # the provider says the token/subscription is dead: delete it
    REJECTED = "rejected"  # any other 4xx: our request is wrong, retrying will not help


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    status: int = 0
    retry_after: float | None = None  # seconds, from the provider's Retry-After


def result_of_status(status: int, retry_after: float | None = None) -> SendResult:
    if 200 <= status < 300:
        return SendResult(Outcome.SENT, status)
    if status in (404, 410):
        return SendResult(Outcome.GONE, status)
    if status == 429 or status >= 500:
        return SendResult(Outcome.RETRY, status, retry_after)
    return SendResult(Outcome.REJECTED, status)


def retry_delay(attempt: int, base: float, cap: float, retry_after: float | None) -> float:
    """Seconds before attempt `attempt + 1`: the provider's Retry-After when it gave one, else
    exponential backoff with jitter (base·2^attempt, halved at random), capped."""
    if retry_after is not None and retry_after > 0:
        return min(retry_after, MAX_RETRY_AFTER)
    ceiling = min(cap, base * 2**attempt)
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def preview_of(message: Message, tr: Translate = french) -> str:
    if message.file or message.type is not MessageType.TEXT:
        return tr(FILE_PREVIEW, None)
    text = " ".join(message.content.split())
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def notification(
    conversation: Conversation,
    message: Message,
    sender_name: str,
    badge: int,
    show_preview: bool = True,
    tr: Translate = french,
) -> dict[str, Any]:
    """Title and body as the phone shows them, in the recipient's language (`tr`); the ids the
    app opens on a tap."""
    preview = preview_of(message, tr) if show_preview else tr(PRIVATE_PREVIEW, None)
    private = conversation.type is ConversationType.PRIVATE
    if sender_name == UNKNOWN_USER_NAME:
        sender_name = tr(UNKNOWN_SENDER, None)
    name = sender_name if private else (conversation.name or tr(GROUP_TITLE, None))
    group_body = tr(SENDER_AND_PREVIEW, {"sender": sender_name, "preview": preview})
    return {
        "type": "newMessage",
        "title": name,
        "body": preview if private or not show_preview else group_body,
        "badge": badge,
        "conversationId": conversation.id,
        "conversationName": name,
        "senderName": sender_name,
        "messageId": message.id,
        "collapseKey": conversation.id,
    }


def job(message_id: str, device: Device, note: dict[str, Any]) -> dict[str, Any]:
    target = {
        "id": device.id,
        "platform": device.platform.value,
        "token": device.token,
        "keys": dict(device.keys),
    }
    return {
        "jobId": f"{message_id}:{device.id}",
        "messageId": message_id,
        "userId": device.user_id,
        "device": target,
        "notification": note,
        "attempt": 0,
    }
