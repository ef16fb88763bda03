"""`ConversationsServices`: the conversations context's use cases, as a composition root wires
them and its transports read them."""

from __future__ import annotations

from dataclasses import dataclass

from services.chat_file.conversations.application.conversations import ConversationService
from services.chat_file.conversations.application.messages import MessageService
from services.chat_file.conversations.application.receipts import ReceiptService


@dataclass(frozen=True)
class ConversationsServices:
    conversations: ConversationService
    messages: MessageService
    receipts: ReceiptService
