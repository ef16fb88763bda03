"""What a push notification says, and what a provider's answer means. Plain Python.

One job = one notification to one device: `{jobId, messageId, userId, device, notification,
attempt}` (JSON on the queue). `jobId` is `<messageId>:<deviceId>`, the dedupe key.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from services.chat_file.conversations.facade import (
    Conversation,
    ConversationType,
    Message,
    MessageType,
)
from services.chat_file.push.domain.devices import Device

PREVIEW_CHARS = 120
FILE_PREVIEW = "📎 Fichier"
PRIVATE_PREVIEW = "Nouveau message"
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


def preview_of(message: Message) -> str:
    if message.file or message.type is not MessageType.TEXT:
        return FILE_PREVIEW
    text = " ".join(message.content.split())
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def notification(
    conversation: Conversation,
    message: Message,
    sender_name: str,
    badge: int,
    show_preview: bool = True,
) -> dict[str, Any]:
    """Title and body as the phone shows them; the ids the app opens on a tap."""
    preview = preview_of(message) if show_preview else PRIVATE_PREVIEW
    private = conversation.type is ConversationType.PRIVATE
    name = sender_name if private else (conversation.name or "Groupe")
    return {
        "type": "newMessage",
        "title": name,
        "body": preview if private or not show_preview else f"{sender_name} : {preview}",
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
