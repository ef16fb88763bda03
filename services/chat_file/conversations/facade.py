"""What the other contexts may ask of conversations, read-only: who takes part where
(`Participation`: files, push settings, and realtime through its own `Memberships` port), and a
stored message with its conversation and the unread totals (`MessageLookup`: the push
fan-out). Files and push import this module only (an import-linter contract); realtime never
imports conversations, the composition root hands it `Participation`. Every write goes through
the conversations context's own use cases."""

from __future__ import annotations

from services.chat_file.conversations.application.access import conversation_for
from services.chat_file.conversations.application.ports import (
    BadgeCounts,
    ConversationStore,
    MessageStore,
)
from services.chat_file.conversations.application.results import MessageResult
from services.chat_file.conversations.domain.errors import InvalidIdError
from services.chat_file.conversations.domain.model import (
    Conversation,
    ConversationType,
    Message,
    MessageType,
)
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.ids import check_object_id

__all__ = [
    "Conversation",
    "ConversationType",
    "Message",
    "MessageLookup",
    "MessageResult",
    "MessageType",
    "Participation",
]


class Participation:
    """Who takes part in which conversation, over the conversation store."""

    def __init__(self, conversations: ConversationStore) -> None:
        self._conversations = conversations

    def rooms_and_contacts(self, user_id: str) -> tuple[list[str], set[str]]:
        """Ids of every conversation the user takes part in (the socket's rooms) and everyone
        who shares one (presence): one query, or none when the circle is cached."""
        circle = self._conversations.circle_of(user_id)
        return list(circle.conversation_ids), set(circle.contacts)

    def contacts_of(self, user_id: str) -> set[str]:
        """Everyone who shares a conversation with the user (the user included)."""
        return set(self._conversations.circle_of(user_id).contacts)

    def participants_of(self, user: Identity, conversation_id: str) -> list[str]:
        """Participants of a conversation the user takes part in, else CONVERSATION_NOT_FOUND."""
        return self.joined(user, conversation_id).participants

    def joined(self, user: Identity, conversation_id: str) -> Conversation:
        """The conversation if the user takes part in it, else CONVERSATION_NOT_FOUND (the
        same answer as for an id that does not exist)."""
        return conversation_for(self._conversations, conversation_id, user.user_id)

    def is_participant(self, conversation_id: str, user_id: str) -> bool:
        """False for a malformed id too (it never reaches the store)."""
        try:
            conversation = self._conversations.get(check_object_id(conversation_id))
        except InvalidIdError:
            return False
        return conversation is not None and conversation.is_participant(user_id)


class MessageLookup:
    """A stored message, its conversation, and users' unread totals (push badges)."""

    def __init__(
        self, conversations: ConversationStore, messages: MessageStore, badges: BadgeCounts
    ) -> None:
        self._conversations = conversations
        self._messages = messages
        self._badges = badges

    def message(self, message_id: str) -> Message | None:
        return self._messages.get(message_id)

    def conversation(self, conversation_id: str) -> Conversation | None:
        return self._conversations.get(conversation_id)

    def unread_totals(self, user_ids: list[str]) -> dict[str, int]:
        """Each user's exact unread total over all their conversations, in one query."""
        return self._badges.totals_for(user_ids)
