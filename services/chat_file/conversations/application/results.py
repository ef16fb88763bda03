"""What the conversation use cases return, and announce: typed results. Their wire shapes (the
camelCase views, the old clients' names) are made at the transport edge, by the views of
`api/views.py`; a use case never builds JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from libs.servicekit.errors import CodedError
from services.chat_file.conversations.domain.model import Conversation, Message
from services.chat_file.kernel.identity import Identity

Profile = Mapping[str, Any]  # a user's display data, as the directory resolves it


@dataclass(frozen=True)
class ConversationResult:
    """A conversation as one participant (`viewer`) sees it, with the display data of the
    participants shown and of the last message's sender."""

    conversation: Conversation
    profiles: Mapping[str, Profile]
    viewer: str
    unread_mentions: int | None = None  # conversation lists only


@dataclass(frozen=True)
class ConversationPage:
    conversations: list[ConversationResult]
    total_unread: int  # over all the viewer's conversations
    unread_conversations: int
    page: int
    limit: int
    total: int


@dataclass(frozen=True)
class ParticipantIdPage:
    """Participant ids the caller may see, from `offset`; `total` of them in all."""

    conversation_id: str
    ids: list[str]
    offset: int
    limit: int
    total: int


@dataclass(frozen=True)
class MessageResult:
    """A message in its conversation (its receipts give status, readBy, deliveredTo), with its
    sender's display data; `detail` adds the edit history."""

    message: Message
    conversation: Conversation
    sender: Profile
    detail: bool = False


@dataclass(frozen=True)
class MessagePage:
    """A history page, newest first; senders resolved in one directory lookup."""

    conversation: Conversation
    messages: list[Message]
    senders: Mapping[str, Profile]
    next_cursor: str | None
    has_more: bool


@dataclass(frozen=True)
class SearchPage:
    query: str
    messages: list[Message]
    senders: Mapping[str, Profile]
    conversations: Mapping[str, Conversation]
    next_cursor: str | None


@dataclass(frozen=True)
class Deletion:
    """A message deleted for its author's audience (`everyone`) or hidden for the caller (`me`)."""

    message: MessageResult  # as it now is
    scope: str
    at: datetime
    by: str | None = None  # "moderation": a moderator removed it


@dataclass(frozen=True)
class Edit:
    """The event of an edit: the message as edited (with its history), and who edited it."""

    message: MessageResult
    editor: str
    editor_matricule: str | None


@dataclass(frozen=True)
class ReactionChange:
    """One user added or removed one emoji on a message; `count`: its holders now."""

    message_id: str
    conversation_id: str
    user_id: str
    emoji: str
    added: bool
    count: int
    at: datetime


@dataclass(frozen=True)
class ReadMark:
    conversation_id: str
    user_id: str
    last_read_message_id: str | None
    unread_count: int


@dataclass(frozen=True)
class StatusChange:
    """A DELIVERED/READ receipt on one message, and the message's status after it."""

    message_id: str
    conversation_id: str
    status: str
    user_id: str
    at: datetime
    message_status: str


@dataclass(frozen=True)
class MembershipChange:
    """Users added to, removed from, or gone from a conversation (`event`), by `by`; what could
    not be done is in `failed`."""

    event: str  # participants:added, participant:removed, participant:left
    conversation: Conversation
    by: str
    user_ids: list[str]
    at: datetime
    failed: list[tuple[Any, CodedError]] = field(default_factory=list)


@dataclass(frozen=True)
class Invitation:
    """A new group or broadcast, announced to its members."""

    conversation: ConversationResult
    inviter: Identity
    at: datetime
