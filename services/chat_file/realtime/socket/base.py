"""What every group of socket handlers reads: the hub, the use cases and the command surface."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields

from services.chat_file.conversations.api.commands import ChatCommands
from services.chat_file.realtime.socket.hub import RealtimeHub

Data = dict[str, Any]


class Handlers:
    """Base of the handler groups the namespace is made of (`namespace.ChatNamespace`)."""

    hub: RealtimeHub
    chat: Any  # the composition root's `ChatServices`
    commands: ChatCommands


class Payload(Schema):
    class Meta:
        unknown = EXCLUDE


class MessageRef(Payload):
    messageId = fields.String(required=True)


class ConversationRef(Payload):
    conversationId = fields.String(required=True)


# Schemas are stateless: one instance each, built at import (no I/O).
MESSAGE_REF = MessageRef()
CONVERSATION_REF = ConversationRef()
