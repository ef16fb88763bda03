"""`ConversationsServices`: the conversations context's use cases, as a composition root wires
them and its transports read them."""

from __future__ import annotations

from dataclasses import dataclass

from services.chat_file.conversations.application.conversations import ConversationService
from services.chat_file.conversations.application.membership import MembershipService
from services.chat_file.conversations.application.messages import MessageService
from services.chat_file.conversations.application.receipts import ReceiptService
from services.chat_file.conversations.application.sending import MessageSender


@dataclass(frozen=True)
class ConversationsServices:
    conversations: ConversationService  # open, create, list, read one
    membership: MembershipService  # add, remove, leave
    sending: MessageSender  # send a message
    messages: MessageService  # history, read, edit, delete, react, search
    receipts: ReceiptService  # DELIVERED / READ, read marks
