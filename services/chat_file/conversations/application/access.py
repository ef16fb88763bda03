"""The access checks: one function per resource. A non-participant gets "not found"."""

from __future__ import annotations

from services.chat_file.conversations.application.ports import ConversationStore, MessageStore
from services.chat_file.conversations.domain.errors import (
    BlockedError,
    ConversationNotFoundError,
    MessageNotFoundError,
)
from services.chat_file.conversations.domain.model import Conversation, ConversationType, Message
from services.chat_file.kernel.blocks import BlockList
from services.chat_file.kernel.ids import check_object_id


def conversation_for(store: ConversationStore, conversation_id: str, user_id: str) -> Conversation:
    """The conversation if `user_id` participates in it, else `CONVERSATION_NOT_FOUND`."""
    check_object_id(conversation_id)
    conversation = store.get(conversation_id)
    if conversation is None or not conversation.is_participant(user_id):
        raise ConversationNotFoundError()
    return conversation


def message_for(
    messages: MessageStore, conversations: ConversationStore, message_id: str, user_id: str
) -> tuple[Message, Conversation]:
    """The message and its conversation if the user takes part and has not hidden it."""
    check_object_id(message_id)
    message = messages.get(message_id)
    if message is None or not message.visible_to(user_id):
        raise MessageNotFoundError()
    conversation = conversations.get(message.conversation_id)
    if conversation is None or not conversation.is_participant(user_id):
        raise MessageNotFoundError()
    return message, conversation


class BlockGuard:
    """A blocked agent may not open or write to the private conversation with whoever blocked
    them (`BLOCKED`); groups and broadcasts are unaffected. No block list: nobody is blocked."""

    def __init__(self, blocks: BlockList | None = None) -> None:
        self._blocks = blocks

    def check_pair(self, user_id: str, other_id: str) -> None:
        if self._blocks is not None and self._blocks.has_blocked(other_id, user_id):
            raise BlockedError()

    def check(self, conversation: Conversation, user_id: str) -> None:
        if conversation.type is not ConversationType.PRIVATE:
            return
        for other in conversation.participants:
            if other != user_id:
                self.check_pair(user_id, other)


def audience(conversation: Conversation) -> list[str]:
    """Who hears about a conversation: its current participants (every device of each).

    Users, not the conversation: someone removed from it must not receive its events any more,
    wherever their sockets are. (The Socket.IO adapter turns users into its rooms.)
    """
    return list(conversation.participants)


def receipt_audience(conversation: Conversation, reader: str) -> list[str]:
    """Who hears of a member's receipts: everyone, except in a broadcast, where recipients
    never learn of each other: its admins and the reader only."""
    if conversation.type is not ConversationType.BROADCAST:
        return audience(conversation)
    return [p for p in conversation.participants if conversation.is_admin(p) or p == reader]


def split_audience(conversation: Conversation) -> tuple[list[str], list[str]]:
    """`(who sees everything, a broadcast's recipients)`: the recipients' events carry the
    conversation as one of them sees it (`Conversation.seen_by`)."""
    if conversation.type is not ConversationType.BROADCAST:
        return audience(conversation), []
    admins = [p for p in conversation.participants if conversation.is_admin(p)]
    return admins, [p for p in conversation.participants if not conversation.is_admin(p)]
