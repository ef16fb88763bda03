"""`ReceiptService`: DELIVERED/READ per recipient and the exact unread counts.

Receipts are per-member pointers: each conversation counts its messages (`seq`, incremented
atomically when a message is posted; the message stores its number) and keeps, per member,
`read_up_to` and `delivered_up_to` (only ever moved forward with a conditional update) and the
last read message id. Marking is one row write whatever the number of unread messages or
members; unread = seq - read_up_to, exact; a message's status and read-by list are derived from
the pointers (`Conversation.status_of`). Marking a message delivered or read marks everything
before it too; a user's own send moves their read pointer to their message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.chat_file.conversations.application.access import (
    conversation_for,
    message_for,
    receipt_audience,
)
from services.chat_file.conversations.application.ports import ConversationStore, MessageStore
from services.chat_file.conversations.application.results import ReadMark, StatusChange
from services.chat_file.conversations.domain.errors import InvalidStatusError, MessageNotFoundError
from services.chat_file.conversations.domain.model import Conversation, ReceiptStatus
from services.chat_file.kernel.clock import utc_now
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.ids import check_object_id
from services.chat_file.kernel.notifier import Notifier


class ReceiptService:
    def __init__(
        self,
        conversations: ConversationStore,
        messages: MessageStore,
        notifier: Notifier,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._conversations = conversations
        self._messages = messages
        self.notifier = notifier
        self._clock = clock

    def set_status(self, user: Identity, message_id: str, status: Any) -> StatusChange:
        """Receipt on this message; READ also moves the caller's read mark up to it."""
        try:
            receipt = ReceiptStatus(str(status or "").upper())
        except ValueError:
            raise InvalidStatusError() from None
        message, conversation = message_for(
            self._messages, self._conversations, message_id, user.user_id
        )
        if message.sender_id == user.user_id:
            raise InvalidStatusError("On ne peut pas accuser réception de son propre message")
        now = self._clock()
        read = receipt is ReceiptStatus.READ
        fresh = self._advance(conversation, user.user_id, message.seq, message.id, now, read)
        event = StatusChange(
            message.id, conversation.id, receipt.value, user.user_id, now, fresh.status_of(message)
        )
        readers = receipt_audience(conversation, user.user_id)
        self.notifier.notify("messageStatusChanged", event, readers)
        self.notifier.notify("message:status", event, [message.sender_id])
        return event

    def mark_read(
        self, user: Identity, conversation_id: str, message_id: str | None = None
    ) -> ReadMark:
        """Everything up to `message_id` (default: the latest message) is read by the caller."""
        conversation = conversation_for(self._conversations, conversation_id, user.user_id)
        if message_id:
            check_object_id(message_id)
            target = self._messages.get(message_id)
            if target is None or target.conversation_id != conversation.id:
                raise MessageNotFoundError()
        else:
            target = self._messages.latest(conversation.id)
        fresh = conversation
        if target is not None:
            fresh = self._advance(
                conversation, user.user_id, target.seq, target.id, self._clock(), True
            )
        mark = ReadMark(
            conversation.id,
            user.user_id,
            fresh.receipt(user.user_id).last_read_id,
            fresh.unread_for(user.user_id),
        )
        self.notifier.notify(
            "conversation:read", mark, receipt_audience(conversation, user.user_id)
        )
        return mark

    def _advance(
        self,
        conversation: Conversation,
        user_id: str,
        seq: int,
        message_id: str,
        at: datetime,
        read: bool,
    ) -> Conversation:
        """One conditional row write; the conversation as it now is for this member."""
        if read:
            self._conversations.mark_read(conversation.id, user_id, seq, message_id, at)
        else:
            self._conversations.mark_delivered(conversation.id, user_id, seq, at)
        moved = conversation.receipt(user_id).advanced(seq, at, read=read, message_id=message_id)
        return conversation.with_receipt(user_id, moved)
