"""Ports of the chat core: what the services need from storage, caches, auth_user and sockets."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from services.chat_file.conversations.domain.model import (
    Circle,
    Conversation,
    Message,
    MessageEdit,
)


class DuplicateMessageError(Exception):
    """A message with this (senderId, temporaryId) is already stored."""


class AttachmentResolver(Protocol):
    """File metadata a user may attach to a message in a conversation, else None (no write);
    `link` makes the file readable in the conversation, once the message is stored."""

    def resolve(
        self, file_id: str, user_id: str, conversation_id: str
    ) -> dict[str, Any] | None: ...

    def link(self, file_id: str, conversation_id: str) -> None: ...

    def unlink(self, file_id: str, conversation_id: str) -> None:
        """The file is no longer readable in the conversation (no live message there uses
        it any more)."""
        ...


class ConversationStore(Protocol):
    def create(self, conversation: Conversation, key: str | None = None) -> Conversation: ...

    def get(self, conversation_id: str) -> Conversation | None: ...

    def get_many(self, conversation_ids: list[str]) -> dict[str, Conversation]: ...

    def get_or_create_private(self, a: str, b: str, now: datetime) -> tuple[Conversation, bool]: ...

    def list_for(self, user_id: str, skip: int, limit: int) -> tuple[list[Conversation], int]: ...

    def unread_totals(self, user_id: str) -> tuple[int, int]: ...

    def ids_for(self, user_id: str) -> list[str]: ...

    def circle_of(self, user_id: str) -> Circle:
        """The user's conversations and contacts, in one query (what a socket connect needs)."""
        ...

    def add_participants(
        self, conversation_id: str, user_ids: list[str], admins: list[str]
    ) -> Conversation | None: ...

    def remove_participant(self, conversation_id: str, user_id: str) -> Conversation | None: ...

    def next_seq(self, conversation_id: str, summary: dict[str, Any], at: datetime) -> int:
        """Atomically: seq += 1, lastMessage = summary, lastActivity = at; the new seq."""
        ...

    def mark_read(
        self, conversation_id: str, user_id: str, seq: int, message_id: str, at: datetime
    ) -> bool:
        """Move the member's read pointer forward to `seq` (never backwards): one row write.

        True if it moved. Read implies delivered."""
        ...

    def mark_delivered(self, conversation_id: str, user_id: str, seq: int, at: datetime) -> bool:
        """Move the member's delivered pointer forward to `seq` (never backwards)."""
        ...

    def ping(self) -> bool: ...


class MessageAppender(Protocol):
    """Stores a new message numbered in its conversation."""

    def append(self, message: Message, summary: dict[str, Any]) -> Message:
        """Store `message` with the conversation's next sequence number, make `summary` the
        conversation's lastMessage (and its time the last activity), and move the sender's
        read pointer to it. `DuplicateMessageError`, with nothing written, when the sender's
        temporaryId is taken. The message is returned numbered."""
        ...


class MessageStore(Protocol):
    def new_id(self) -> str: ...

    def insert(self, message: Message) -> Message:
        """Persist; `DuplicateMessageError` when (senderId, temporaryId) exists."""
        ...

    def set_seq(self, message_id: str, seq: int) -> None: ...

    def remove(self, message_id: str) -> None: ...

    def find_by_temporary_id(self, sender_id: str, temporary_id: str) -> Message | None: ...

    def release_temporary_id(self, message_id: str) -> None:
        """The message stops answering to its (sender, temporaryId): past the dedupe window a
        new message may take it. The message keeps showing its `temporaryId`."""
        ...

    def get(self, message_id: str) -> Message | None: ...

    def page(
        self, conversation_id: str, user_id: str, cursor: str | None, limit: int, newer: bool
    ) -> list[Message]: ...

    def latest(self, conversation_id: str) -> Message | None: ...

    def edit(self, message_id: str, change: MessageEdit) -> Message | None:
        """The message with the change applied (see `MessageEdit`); None if it is absent."""
        ...

    def delete_for_everyone(
        self, message_id: str, at: datetime, by: str | None = None
    ) -> Message | None:
        """Blanks the message for everyone; `by` = "moderation" marks a moderator's removal."""
        ...

    def hide_for(self, message_id: str, user_id: str) -> None: ...

    def file_in_use(self, conversation_id: str, file_id: str, besides: str) -> bool:
        """Whether a message of the conversation other than `besides`, not deleted for
        everyone, has `file_id` attached."""
        ...

    def react(
        self, message_id: str, user_id: str, emoji: str, add: bool, max_per_user: int
    ) -> Message | None:
        """Add (once) or remove the user's `emoji`; adding one more than `max_per_user`
        distinct reactions of that user is `TooManyReactionsError`, nothing written. Checked
        and written atomically. None if the message is absent."""
        ...

    def search(
        self,
        user_id: str,
        text: str,
        limit: int,
        *,
        conversation_id: str | None = None,
        cursor: str | None = None,
    ) -> tuple[list[Message], str | None]:
        """Messages of the conversations `user_id` takes part in (or of `conversation_id`)
        matching `text` (case- and accent-insensitive words), best first; the opaque cursor of
        the next page, or None."""
        ...


class MentionStore(Protocol):
    """Who was mentioned by which numbered message: the unread-mention counts."""

    def add(self, conversation_id: str, message_id: str, seq: int, user_ids: list[str]) -> None:
        """Record that message `seq` of the conversation mentions these users (idempotent)."""
        ...

    def remove(self, conversation_id: str, seq: int, user_ids: list[str]) -> None:
        """Forget that message `seq` of the conversation mentions these users (rows absent
        are ignored): after an edit took them out of its text."""
        ...

    def unread_counts(self, user_id: str, read_up_to: dict[str, int]) -> dict[str, int]:
        """Per conversation id given, how many mentions of the user lie after their read
        pointer (conversations without any are absent)."""
        ...


class BadgeCounts(Protocol):
    """The exact unread totals of many users at once (what a push badge shows): for each id,
    the same number as `ConversationStore.unread_totals(id)[0]`, in one query."""

    def totals_for(self, user_ids: list[str]) -> dict[str, int]: ...


@dataclass(frozen=True)
class PurgedBatch:
    """What one purge transaction removed: how many messages, and the files they carried."""

    messages: int
    file_ids: list[str]


class MessagePurge(Protocol):
    """Retention's deletes (the moderation context's job calls them through the facade)."""

    def purge(
        self,
        before: datetime,
        limit: int,
        conversation_id: str | None = None,
        excluded: Collection[str] = (),
        kept_senders: Collection[str] = (),
    ) -> PurgedBatch:
        """Deletes at most `limit` messages created before `before` (oldest first) in one
        conversation, or in every conversation but `excluded`, in one transaction: with their
        "deleted for me" marks, mentions and search rows; the members' read and delivered
        pointers move past them (unread counts stay right) and a conversation whose last
        message went forgets it. Messages by `kept_senders` (legal holds) are never chosen."""
        ...

    def attached(self, file_ids: Collection[str]) -> set[str]:
        """Those of `file_ids` some remaining message still carries."""
        ...
