"""The public JSON shapes of messages and conversations (camelCase, ISO-8601 UTC times)."""

from __future__ import annotations

from bisect import bisect_left
from datetime import datetime
from typing import Any

from services.chat_file.conversations.domain.model import Conversation, Message, ReceiptStatus
from services.chat_file.kernel.clock import iso

DISPLAYED_PARTICIPANTS = 50
SUMMARY_CHARS = 200


class ReceiptIndex:
    """A conversation's receipt pointers read once for many messages. Same results as
    `Conversation.status_of`, `read_by` and `delivered_to`, at a cost that does not grow with
    members times messages: the status floor is computed once per sender; who read (or has) a
    message depends only on how many pointers reach its number (a bisection), so each distinct
    answer is built once per page and shared by the views that have it (treat them as
    read-only); each time is converted to ISO text at most once."""

    def __init__(self, conversation: Conversation) -> None:
        self._conversation = conversation
        receipts = conversation.receipts.items()
        self._read = _Reached([(u, r.read_up_to, r.read_at) for u, r in receipts])
        self._delivered = _Reached(
            [(u, r.delivered, r.delivered_at or r.read_at) for u, r in receipts]
        )
        self._floors: dict[str, tuple[int, int] | None] = {}

    def status(self, sender_id: str, seq: int) -> str:
        if sender_id not in self._floors:
            c = self._conversation
            recipients = [c.receipt(r) for r in c.recipients_of(sender_id)]
            self._floors[sender_id] = (
                (min(r.read_up_to for r in recipients), min(r.delivered for r in recipients))
                if recipients
                else None
            )
        floor = self._floors[sender_id]
        if floor is None or not seq:
            return "SENT"
        if floor[0] >= seq:
            return ReceiptStatus.READ.value
        return ReceiptStatus.DELIVERED.value if floor[1] >= seq else "SENT"

    def read_by(self, sender_id: str, seq: int) -> dict[str, str | None]:
        return self._read.reached(sender_id, seq)

    def delivered_to(self, sender_id: str, seq: int) -> dict[str, str | None]:
        return self._delivered.reached(sender_id, seq)


class _Reached:
    """Which members' pointer (read or delivered) reaches a sequence number, with the time."""

    def __init__(self, rows: list[tuple[str, int, datetime | None]]) -> None:
        self._rows = rows  # (user, pointer, time), in member order
        self._pointers = sorted(pointer for _, pointer, _ in rows)
        self._answers: dict[tuple[str, int], dict[str, str | None]] = {}
        self._times: dict[str, str | None] = {}

    def reached(self, sender_id: str, seq: int) -> dict[str, str | None]:
        count = len(self._pointers) - bisect_left(self._pointers, seq)  # pointers >= seq
        key = (sender_id, count)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = {
                user: self._time(user, moment)
                for user, pointer, moment in self._rows
                if pointer >= seq and user != sender_id
            }
        return answer

    def _time(self, user: str, moment: datetime | None) -> str | None:
        if user not in self._times:
            self._times[user] = iso(moment)
        return self._times[user]


def message_view(
    message: Message,
    sender: dict[str, Any],
    conversation: Conversation,
    *,
    detail: bool = False,
    receipts: ReceiptIndex | None = None,
) -> dict[str, Any]:
    """Status, readBy and deliveredTo are derived from the members' receipt pointers; pass
    the page's `receipts` index when presenting many messages of one conversation."""
    index = receipts or ReceiptIndex(conversation)
    stamp = iso(message.created_at)
    sender_id, seq, deleted = message.sender_id, message.seq, message.deleted
    view: dict[str, Any] = {
        "id": message.id,
        "messageId": message.id,
        "conversationId": message.conversation_id,
        "senderId": sender_id,
        "senderName": sender["name"],
        "senderAvatar": sender.get("avatar"),
        "content": "" if deleted else message.content,
        "type": message.type.value,
        "status": index.status(sender_id, seq),
        "fileId": None if deleted else message.file_id,
        "file": None if deleted else message.file,
        "replyTo": message.reply_to,
        "temporaryId": message.temporary_id,
        "timestamp": stamp,
        "createdAt": stamp,
        "edited": message.edited,
        "editedAt": iso(message.edited_at) if message.edited_at else None,
        "deleted": deleted,
        "reactions": message.reactions,
        "mentions": list(message.mentions),
        "deliveredTo": index.delivered_to(sender_id, seq),
        "readBy": index.read_by(sender_id, seq),
    }
    if detail:
        view["editHistory"] = edit_history(message)
    return view


def edit_history(message: Message) -> list[dict[str, Any]]:
    return [
        {"content": h.get("content"), "editedAt": iso(h.get("editedAt"))}
        for h in message.edit_history
    ]


def page_views(
    messages: list[Message], senders: dict[str, dict[str, Any]], conversation: Conversation
) -> list[dict[str, Any]]:
    """The views of a page of one conversation, in one pass over shared receipt data."""
    index = ReceiptIndex(conversation)
    return [message_view(m, senders[m.sender_id], conversation, receipts=index) for m in messages]


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


def group_summary(view: dict[str, Any]) -> dict[str, Any]:
    """The old clients' `group` / `broadcast` object, cut from a conversation view."""
    keys = ("id", "name", "type", "participants", "createdBy", "createdAt", "participantCount")
    return {key: view[key] for key in keys}


def invitation(
    view: dict[str, Any], inviter: str, matricule: str | None, at: datetime
) -> dict[str, Any]:
    """`group:invitation` / `broadcast:invitation {group|broadcast, invitedBy, timestamp}`."""
    if matricule is None:
        me: dict[str, Any] = next(
            (p for p in view["participants"] if p.get("userId") == inviter), {}
        )
        matricule = me.get("matricule")
    return {
        str(view["type"]).lower(): group_summary(view),
        "invitedBy": {"userId": inviter, "matricule": matricule},
        "timestamp": iso(at),
    }
