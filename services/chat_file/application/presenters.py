"""The public JSON shapes of messages and conversations (camelCase, ISO-8601 UTC times)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..domain.model import Conversation, Message

DISPLAYED_PARTICIPANTS = 50
SUMMARY_CHARS = 200


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    elif moment.utcoffset():
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def message_view(
    message: Message, sender: dict[str, Any], conversation: Conversation, *, detail: bool = False
) -> dict[str, Any]:
    """Status, readBy and deliveredTo are derived from the members' receipt pointers."""
    stamp = iso(message.created_at)
    view: dict[str, Any] = {
        "id": message.id,
        "messageId": message.id,
        "conversationId": message.conversation_id,
        "senderId": message.sender_id,
        "senderName": sender["name"],
        "senderAvatar": sender.get("avatar"),
        "content": "" if message.deleted else message.content,
        "type": message.type.value,
        "status": conversation.status_of(message),
        "fileId": None if message.deleted else message.file_id,
        "file": None if message.deleted else message.file,
        "replyTo": message.reply_to,
        "temporaryId": message.temporary_id,
        "timestamp": stamp,
        "createdAt": stamp,
        "edited": message.edited,
        "editedAt": iso(message.edited_at),
        "deleted": message.deleted,
        "reactions": message.reactions,
        "mentions": list(message.mentions),
        "deliveredTo": {u: iso(t) for u, t in conversation.delivered_to(message).items()},
        "readBy": {u: iso(t) for u, t in conversation.read_by(message).items()},
    }
    if detail:
        view["editHistory"] = [
            {"content": h.get("content"), "editedAt": iso(h.get("editedAt"))}
            for h in message.edit_history
        ]
    return view


def summary_of(message: Message) -> dict[str, Any]:
    """What a conversation keeps as `lastMessage`."""
    return {
        "id": message.id,
        "senderId": message.sender_id,
        "content": message.content[:SUMMARY_CHARS],
        "type": message.type.value,
        "createdAt": message.created_at,
    }


def displayed_ids(conversation: Conversation) -> list[str]:
    ids = conversation.participants[:DISPLAYED_PARTICIPANTS]
    if conversation.last_message:
        ids = [*ids, conversation.last_message.get("senderId", "")]
    return ids


def conversation_view(
    conversation: Conversation, profiles: dict[str, dict[str, Any]], viewer: str
) -> dict[str, Any]:
    c = conversation
    participants = [
        {**profiles[p], "isAdmin": c.is_admin(p)} for p in c.participants[:DISPLAYED_PARTICIPANTS]
    ]
    last = None
    if c.last_message:
        sender = profiles.get(c.last_message.get("senderId", ""), {})
        last = {
            **c.last_message,
            "createdAt": iso(c.last_message.get("createdAt")),
            "senderName": sender.get("name"),
        }
    return {
        "id": c.id,
        "conversationId": c.id,
        "type": c.type.value,
        "name": c.name,
        "participants": participants,
        "participantIds": c.participants,
        "participantCount": len(c.participants),
        "admins": c.admins,
        "createdBy": c.created_by,
        "createdAt": iso(c.created_at),
        "lastActivity": iso(c.last_activity),
        "lastMessage": last,
        "unreadCount": c.unread_for(viewer),
        "lastReadMessageId": c.receipt(viewer).last_read_id,
    }
