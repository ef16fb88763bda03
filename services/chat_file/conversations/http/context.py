"""What the conversation routes read: the context's use cases and the command surface."""

from __future__ import annotations

from services.chat_file.conversations.api.commands import ChatCommands
from services.chat_file.conversations.application.bundle import ConversationsServices
from services.chat_file.http.context import provided


def use_cases() -> ConversationsServices:
    return provided(ConversationsServices)


def commands() -> ChatCommands:
    return provided(ChatCommands)
