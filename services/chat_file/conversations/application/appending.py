"""`StepwiseAppender`: a new message stored, then numbered, through the store ports one call at
a time, for backends without multi-document transactions (MongoDB, the in-memory fakes). The
SQL backends append in one transaction instead (`infrastructure/sql/appender.py`).

Storing first means a failed insert leaves no trace (no lastMessage, no unread count for a
message that does not exist). If numbering the stored message fails, it is removed again so the
caller's error is true; if even that fails, a retry with the same temporaryId finds it unnumbered
and `number` completes it.
"""

from __future__ import annotations

import logging
from typing import Any

from services.chat_file.conversations.application.ports import ConversationStore, MessageStore
from services.chat_file.conversations.domain.model import Message

logger = logging.getLogger(__name__)


class StepwiseAppender:
    def __init__(self, conversations: ConversationStore, messages: MessageStore) -> None:
        self._conversations = conversations
        self._messages = messages

    def append(self, message: Message, summary: dict[str, Any]) -> Message:
        stored = self._messages.insert(message)
        try:
            number(self._conversations, self._messages, stored, summary)
        except Exception:
            if not stored.seq:
                self._withdraw(stored)
            raise
        return stored

    def _withdraw(self, message: Message) -> None:
        try:
            self._messages.remove(message.id)
        except Exception:  # the store is failing: a retry with the temporaryId finishes the job
            logger.warning("message %s stored but not numbered; kept for retry", message.id)


def number(
    conversations: ConversationStore,
    messages: MessageStore,
    message: Message,
    summary: dict[str, Any],
) -> None:
    """Give a stored message its sequence number; the sender has read it."""
    cid, sender = message.conversation_id, message.sender_id
    message.seq = conversations.next_seq(cid, summary, message.created_at)
    messages.set_seq(message.id, message.seq)
    conversations.mark_read(cid, sender, message.seq, message.id, message.created_at)
