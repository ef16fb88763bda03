"""Conversations and messages: plain dataclasses and the rules that need no storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from services.chat_file.conversations.domain.errors import (
    BroadcastReadOnlyError,
    ContentTooLongError,
    EmptyContentError,
    InvalidMessageTypeError,
    LastAdminError,
    NotAdminError,
    NotAGroupError,
    NotAuthorError,
    NotParticipantError,
)


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


def parse_message_type(value: Any) -> MessageType:
    try:
        return MessageType(str(value or "TEXT").upper())
    except ValueError:
        raise InvalidMessageTypeError() from None


def check_content(content: Any, kind: MessageType, has_file: bool, max_length: int) -> str:
    """Text is required for TEXT (after trimming), optional as a caption for attachments."""
    text = content if isinstance(content, str) else ""
    if len(text) > max_length:
        raise ContentTooLongError(
            "Le message dépasse %(max)s caractères", params={"max": max_length}
        )
    if kind is MessageType.TEXT and not text.strip():
        raise EmptyContentError()
    if kind is not MessageType.TEXT and not has_file:
        raise EmptyContentError("Un fichier (fileId) est requis pour ce type de message")
    return text


def pair_key(a: str, b: str) -> str:
    """The one key of a private conversation between two users, whatever the order."""
    return "|".join(sorted((a, b)))


@dataclass(frozen=True)
class Receipt:
    """One member's pointers in a conversation: everything up to these numbers is delivered /
    read. Marking is one row write whatever the number of messages or members."""

    read_up_to: int = 0
    delivered_up_to: int = 0
    last_read_id: str | None = None
    read_at: datetime | None = None
    delivered_at: datetime | None = None

    @property
    def delivered(self) -> int:
        """Read implies delivered."""
        return max(self.read_up_to, self.delivered_up_to)

    def advanced(self, seq: int, at: datetime, *, read: bool, message_id: str | None) -> Receipt:
        """These pointers moved forward to `seq` (never backwards), as the store does it."""
        if read and seq > self.read_up_to:
            return replace(self, read_up_to=seq, last_read_id=message_id, read_at=at)
        if not read and seq > self.delivered:
            return replace(self, delivered_up_to=seq, delivered_at=at)
        return self


NO_RECEIPT = Receipt()


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
    receipts: dict[str, Receipt] = field(default_factory=dict)  # per participant
    posters: frozenset[str] = frozenset()  # participants who have sent a message here

    def makes_contacts(self) -> bool:
        """Whether its people see each other's presence: groups and broadcasts do; a private
        conversation once both of its people have written in it (opening one with anyone,
        or writing into the void, makes nobody a contact)."""
        if self.type is not ConversationType.PRIVATE:
            return True
        return all(p in self.posters for p in self.participants)

    @classmethod
    def private(cls, conversation_id: str, a: str, b: str, now: datetime) -> Conversation:
        """A new one-to-one conversation that `a` opens with `b` (no admins, no name)."""
        return cls(
            id=conversation_id,
            type=ConversationType.PRIVATE,
            participants=sorted((a, b)),
            admins=[],
            created_by=a,
            created_at=now,
            last_activity=now,
        )

    def receipt(self, user_id: str) -> Receipt:
        return self.receipts.get(user_id) or NO_RECEIPT

    def with_receipt(self, user_id: str, receipt: Receipt) -> Conversation:
        """A copy where `user_id`'s pointers are `receipt` (the store wrote the same)."""
        return replace(self, receipts={**self.receipts, user_id: receipt})

    def is_private(self) -> bool:
        return self.type is ConversationType.PRIVATE

    def is_participant(self, user_id: str) -> bool:
        return user_id in self.participants

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.admins

    def is_broadcast_recipient(self, user_id: str) -> bool:
        return self.type is ConversationType.BROADCAST and not self.is_admin(user_id)

    def seen_by(self, viewer: str) -> Conversation:
        """The conversation as `viewer` may see its receipts: a broadcast's recipients see
        their own pointers only (no one else's reads or deliveries)."""
        if not self.is_broadcast_recipient(viewer):
            return self
        own = {viewer: self.receipts[viewer]} if viewer in self.receipts else {}
        return replace(self, receipts=own)

    def check_can_interact(self, user_id: str) -> None:
        """Upload into, type in, react in: what a broadcast's recipients may not do."""
        self.check_can_post(user_id)

    def visible_participants(self, viewer: str) -> list[str]:
        """Who `viewer` may see in the participant list: a broadcast's recipients see its
        admins only (never each other); everyone else sees every participant."""
        if self.is_broadcast_recipient(viewer):
            return [p for p in self.participants if self.is_admin(p)]
        return self.participants

    def unread_for(self, user_id: str) -> int:
        """Exact: messages posted after the user's read mark (their own sends move the mark)."""
        return max(0, self.seq - self.receipt(user_id).read_up_to)

    def status_of(self, message: Message) -> str:
        """SENT, then DELIVERED once every recipient has it, READ once every one read it."""
        recipients = [self.receipt(r) for r in self.recipients_of(message.sender_id)]
        if not recipients or not message.seq:
            return "SENT"
        if min(r.read_up_to for r in recipients) >= message.seq:
            return ReceiptStatus.READ.value
        if min(r.delivered for r in recipients) >= message.seq:
            return ReceiptStatus.DELIVERED.value
        return "SENT"

    def read_by(self, message: Message) -> dict[str, datetime | None]:
        """Recipients whose read pointer reached the message, with when it last moved."""
        return {
            user: receipt.read_at
            for user, receipt in self.receipts.items()
            if user != message.sender_id and receipt.read_up_to >= message.seq
        }

    def delivered_to(self, message: Message) -> dict[str, datetime | None]:
        return {
            user: receipt.delivered_at or receipt.read_at
            for user, receipt in self.receipts.items()
            if user != message.sender_id and receipt.delivered >= message.seq
        }

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
    deleted_by: str | None = None  # "moderation" when a moderator removed it, else None
    reactions: list[dict[str, str]] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)  # user ids notified by name (or @tous)

    def visible_to(self, user_id: str) -> bool:
        return user_id not in self.deleted_for

    def check_author(self, user_id: str) -> None:
        if self.sender_id != user_id:
            raise NotAuthorError()


EDIT_HISTORY_VERSIONS = 20  # EDIT_HISTORY_MAX_VERSIONS
EDIT_HISTORY_BYTES = 100_000  # EDIT_HISTORY_MAX_BYTES: UTF-8 bytes of the kept contents


@dataclass(frozen=True)
class MessageEdit:
    """A message's new text: the version it replaces (`{content, editedAt}`, kept in its edit
    history), when, and the mentions resolved from the new text (None keeps the stored ones).
    The history keeps the newest `max_versions` versions whose contents fit in `max_bytes`."""

    content: str
    previous: dict[str, Any]
    at: datetime
    mentions: list[str] | None = None
    max_versions: int = EDIT_HISTORY_VERSIONS
    max_bytes: int = EDIT_HISTORY_BYTES

    def history_after(self, history: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """`history` with the replaced version appended, trimmed to the bounds (oldest out)."""
        return kept_history([*history, self.previous], self.max_versions, self.max_bytes)


def kept_history(
    history: list[dict[str, Any]], max_versions: int, max_bytes: int
) -> list[dict[str, Any]]:
    """The newest versions of `history` (oldest first) within both bounds: at most
    `max_versions` entries whose contents add up to at most `max_bytes` UTF-8 bytes."""
    kept: list[dict[str, Any]] = []
    size = 0
    for entry in reversed(history[-max_versions:] if max_versions > 0 else []):
        size += len(str(entry.get("content") or "").encode("utf-8"))
        if size > max_bytes:
            break
        kept.append(entry)
    kept.reverse()
    return kept


@dataclass(frozen=True)
class Circle:
    """Where a user takes part and with whom: their conversations' ids (the socket's rooms)
    and everyone who shares one of them (presence, idleness), the user included."""

    conversation_ids: tuple[str, ...]
    contacts: frozenset[str]

    @classmethod
    def of(cls, pairs: list[tuple[str, str]]) -> Circle:
        """From (conversation id, participant) pairs, in the order the store gives them."""
        return cls(tuple(dict.fromkeys(c for c, _ in pairs)), frozenset(u for _, u in pairs))

    @classmethod
    def seen_by(cls, viewer: str, conversations: Sequence[Conversation]) -> Circle:
        """`viewer`'s circle from their conversations: every one is a room; contacts are the
        participants `shares_presence` keeps (the viewer always)."""
        pairs = [(c.id, viewer) for c in conversations]
        for c in conversations:
            for p in c.participants:
                if p != viewer and shares_presence(
                    c.type,
                    (c.is_admin(viewer), viewer in c.posters),
                    (c.is_admin(p), p in c.posters),
                ):
                    pairs.append((c.id, p))
        return cls.of(pairs)


def shares_presence(
    kind: ConversationType | str, viewer: tuple[bool, bool], other: tuple[bool, bool]
) -> bool:
    """Whether a conversation of `kind` makes `other` a contact of `viewer`, each given as
    (is admin, has posted): a private one once both have written in it (Conversation
    .makes_contacts); a broadcast's recipients share it with its admins only; a group always."""
    kind = ConversationType(kind)
    if kind is ConversationType.PRIVATE:
        return viewer[1] and other[1]
    if kind is ConversationType.BROADCAST and not viewer[0]:
        return other[0]
    return True
