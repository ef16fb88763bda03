"""What the other contexts may ask of conversations, read-only: who takes part where
(`Participation`: files, push settings, and realtime through its own `Memberships` port), and a
stored message with its conversation and the unread totals (`MessageLookup`: the push
fan-out), and the views of the moderation writes' answers (`DeletionView`, `MembershipView`:
their documentation). Files, push and moderation import this module only (an import-linter
contract); realtime never imports conversations, the composition root hands it
`Participation`. Every write goes through the conversations context's own use cases."""

from __future__ import annotations

from services.chat_file.conversations.api.views import DeletionView, MembershipView
from services.chat_file.conversations.application.access import conversation_for
from services.chat_file.conversations.application.ports import (
    BadgeCounts,
    ConversationStore,
    MessagePurge,
    MessageStore,
    PurgedBatch,
)
from services.chat_file.conversations.application.results import MessageResult
from services.chat_file.conversations.domain.errors import ConversationNotFoundError, InvalidIdError
from services.chat_file.conversations.domain.model import (
    Conversation,
    ConversationType,
    Message,
    MessageType,
)
from services.chat_file.kernel.blocks import BlockList
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.ids import check_object_id

__all__ = [
    "BadgeCounts",
    "Conversation",
    "ConversationStore",
    "ConversationType",
    "DeletionView",
    "MembershipView",
    "Message",
    "MessageLookup",
    "MessagePurge",
    "MessageResult",
    "MessageStore",
    "MessageType",
    "Participation",
    "PurgedBatch",
]


class Participation:
    """Who takes part in which conversation, over the conversation store. With a block list,
    two agents one of whom blocked the other are not each other's contacts (no presence) and do
    not see each other in their private conversation (no typing); groups are unaffected."""

    def __init__(self, conversations: ConversationStore, blocks: BlockList | None = None) -> None:
        self._conversations = conversations
        self._blocks = blocks

    def rooms_and_contacts(self, user_id: str) -> tuple[list[str], set[str]]:
        """Ids of every conversation the user takes part in (the socket's rooms) and everyone
        who shares one (presence): one query, or none when the circle is cached (and one more, on
        an index, for the blocks)."""
        circle = self._conversations.circle_of(user_id)
        return list(circle.conversation_ids), self._unblocked(user_id, set(circle.contacts))

    def contacts_of(self, user_id: str) -> set[str]:
        """Everyone who shares a conversation with the user and sees their presence (the user
        included), but those blocked either way: a private one counts once both of its people
        have written in it, and a broadcast's recipients share it with its admins only (never
        with each other)."""
        return self._unblocked(user_id, set(self._conversations.circle_of(user_id).contacts))

    def _unblocked(self, user_id: str, contacts: set[str]) -> set[str]:
        if self._blocks is not None and contacts:
            contacts -= self._blocks.blocked_either_way(user_id, contacts - {user_id})
        return contacts

    def participants_of(self, user: Identity, conversation_id: str) -> list[str]:
        """Participants of a conversation the user takes part in, else CONVERSATION_NOT_FOUND;
        in a private conversation, not the other one if either blocked the other."""
        return self._visible(user, self.joined(user, conversation_id))

    def typing_audience(self, user: Identity, conversation_id: str) -> list[str]:
        """Participants to show the user typing to (not a blocked other one in a private
        conversation); a broadcast's recipients may not type."""
        conversation = self.joined(user, conversation_id)
        conversation.check_can_interact(user.user_id)
        return self._visible(user, conversation)

    def _visible(self, user: Identity, conversation: Conversation) -> list[str]:
        participants = conversation.participants
        if self._blocks is not None and conversation.type is ConversationType.PRIVATE:
            others = [p for p in participants if p != user.user_id]
            hidden = self._blocks.blocked_either_way(user.user_id, others)
            participants = [p for p in participants if p not in hidden]
        return participants

    def may_post(self, conversation_id: str, user_id: str) -> bool:
        """True if the user takes part and may add to it (upload, post): not a broadcast's
        recipients. False for a malformed id too."""
        try:
            conversation = self._conversations.get(check_object_id(conversation_id))
        except InvalidIdError:
            return False
        return (
            conversation is not None
            and conversation.is_participant(user_id)
            and not conversation.is_broadcast_recipient(user_id)
        )

    def joined(self, user: Identity, conversation_id: str) -> Conversation:
        """The conversation if the user takes part in it, else CONVERSATION_NOT_FOUND (the
        same answer as for an id that does not exist)."""
        return conversation_for(self._conversations, conversation_id, user.user_id)

    def existing(self, conversation_id: str) -> Conversation:
        """The conversation, whoever asks (retention overrides), else CONVERSATION_NOT_FOUND."""
        conversation = self._conversations.get(check_object_id(conversation_id))
        if conversation is None:
            raise ConversationNotFoundError()
        return conversation

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
