"""Conversations and messages: plain dataclasses and the rules that need no storage."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from .errors import (
    BroadcastReadOnlyError,
    ContentTooLongError,
    EmptyContentError,
    InvalidIdError,
    InvalidMessageTypeError,
    LastAdminError,
    NotAdminError,
    NotAGroupError,
    NotAuthorError,
    NotParticipantError,
)

OBJECT_ID_RE = re.compile(r"^[0-9a-f]{24}$")
USER_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # also safe as a MongoDB field name


class ConversationType(StrEnum):
    PRIVATE = "PRIVATE"
    GROUP = "GROUP"
    BROADCAST = "BROADCAST"


class MessageType(StrEnum):
    TEXT = "TEXT"
    IMAGE = "IMAGE"
    FILE = "FILE"
    AUDIO = "AUDIO"
    VIDEO = "VIDEO"


class ReceiptStatus(StrEnum):
    DELIVERED = "DELIVERED"
    READ = "READ"


def check_object_id(value: Any) -> str:
    """A conversation/message id: 24 lowercase hex characters, else `INVALID_ID`."""
    if not isinstance(value, str) or not OBJECT_ID_RE.match(value):
        raise InvalidIdError()
    return value


def check_user_id(value: Any) -> str:
    if not isinstance(value, str) or not USER_ID_RE.match(value):
        raise InvalidIdError("Identifiant d'utilisateur invalide")
    return value


def parse_message_type(value: Any) -> MessageType:
    try:
        return MessageType(str(value or "TEXT").upper())
    except ValueError:
        raise InvalidMessageTypeError() from None


def check_content(content: Any, kind: MessageType, has_file: bool, max_length: int) -> str:
    """Text is required for TEXT (after trimming), optional as a caption for attachments."""
    text = content if isinstance(content, str) else ""
    if len(text) > max_length:
        raise ContentTooLongError(f"Le message dépasse {max_length} caractères")
    if kind is MessageType.TEXT and not text.strip():
        raise EmptyContentError()
    if kind is not MessageType.TEXT and not has_file:
        raise EmptyContentError("Un fichier (fileId) est requis pour ce type de message")
    return text


def pair_key(a: str, b: str) -> str:
    """The one key of a private conversation between two users, whatever the order."""
    return "|".join(sorted((a, b)))


@dataclass
class Conversation:
    id: str
    type: ConversationType
    participants: list[str]
    admins: list[str]
    created_by: str
    created_at: datetime
    last_activity: datetime
    name: str | None = None
    last_message: dict[str, Any] | None = None
    seq: int = 0  # number of messages ever posted; message n has seq n
    read_seq: dict[str, int] = field(default_factory=dict)  # per user: read up to this seq
    last_read: dict[str, str] = field(default_factory=dict)  # per user: lastReadMessageId

    def is_participant(self, user_id: str) -> bool:
        return user_id in self.participants

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.admins

    def unread_for(self, user_id: str) -> int:
        """Exact: messages posted after the user's read mark (their own sends move the mark)."""
        return max(0, self.seq - int(self.read_seq.get(user_id, 0)))

    def recipients_of(self, sender_id: str) -> list[str]:
        return [p for p in self.participants if p != sender_id]

    def check_can_post(self, user_id: str) -> None:
        if self.type is ConversationType.BROADCAST and not self.is_admin(user_id):
            raise BroadcastReadOnlyError()

    def check_can_manage(self, user_id: str) -> None:
        """Add/remove participants: groups and broadcasts only, admins only."""
        if self.type is ConversationType.PRIVATE:
            raise NotAGroupError()
        if not self.is_admin(user_id):
            raise NotAdminError()

    def check_can_remove(self, actor: str, target: str) -> None:
        self.check_can_manage(actor)
        if not self.is_participant(target):
            raise NotParticipantError()
        if target == actor:
            self.check_can_leave(actor)

    def check_can_leave(self, user_id: str) -> None:
        """Members may leave; the last admin hands over first (unless nobody else remains)."""
        if self.type is ConversationType.PRIVATE:
            raise NotAGroupError()
        others = [p for p in self.participants if p != user_id]
        if self.admins == [user_id] and others:
            raise LastAdminError()


@dataclass
class Message:
    id: str
    conversation_id: str
    sender_id: str
    content: str
    type: MessageType
    created_at: datetime
    seq: int = 0
    temporary_id: str | None = None
    file_id: str | None = None
    file: dict[str, Any] | None = None
    reply_to: str | None = None
    edited: bool = False
    edited_at: datetime | None = None
    edit_history: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    deleted_for: list[str] = field(default_factory=list)
    delivered_to: dict[str, datetime] = field(default_factory=dict)
    read_by: dict[str, datetime] = field(default_factory=dict)
    reactions: list[dict[str, str]] = field(default_factory=list)

    def visible_to(self, user_id: str) -> bool:
        return user_id not in self.deleted_for

    def check_author(self, user_id: str) -> None:
        if self.sender_id != user_id:
            raise NotAuthorError()

    def status_for(self, recipients: list[str]) -> str:
        """SENT, then DELIVERED once every recipient has it, READ once every one read it."""
        if recipients and all(r in self.read_by for r in recipients):
            return ReceiptStatus.READ.value
        if recipients and all(r in self.read_by or r in self.delivered_to for r in recipients):
            return ReceiptStatus.DELIVERED.value
        return "SENT"
