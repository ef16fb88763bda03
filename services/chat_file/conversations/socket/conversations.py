"""Conversation events: list, create a group or a broadcast (typing and rooms are realtime's)."""

from __future__ import annotations

from marshmallow import fields

from libs.servicekit.http import load
from services.chat_file.conversations.api.aliases import categorized_list, created_reply
from services.chat_file.conversations.api.commands import ChatCommands
from services.chat_file.conversations.api.views import CONVERSATION_PAGE
from services.chat_file.conversations.application.bundle import ConversationsServices
from services.chat_file.kernel.identity import Identity
from services.chat_file.realtime.api import Data, Event, Payload


class PageQuery(Payload):
    page = fields.Raw(load_default=None)
    limit = fields.Raw(load_default=None)


PAGE_QUERY = PageQuery()


class ConversationEvents:
    EVENTS = {
        "getConversations": Event(
            "list_conversations", reply="conversationsLoaded", action="conversation-list"
        ),
        "createGroup": Event(
            "create_group", reply="group:created", error="group:error", action="create-conversation"
        ),
        "createBroadcast": Event(
            "create_broadcast",
            reply="broadcast:created",
            error="broadcast:error",
            action="create-conversation",
        ),
    }

    def __init__(self, use_cases: ConversationsServices, commands: ChatCommands) -> None:
        self._conversations = use_cases.conversations
        self._commands = commands

    def list_conversations(self, user: Identity, data: Data) -> Data:
        query = load(PAGE_QUERY, data)
        page = self._conversations.list_for(user, query["page"], query["limit"])
        found = CONVERSATION_PAGE.dump_fast(page)
        return {**found, **categorized_list(found)}

    def create_group(self, user: Identity, data: Data) -> Data:
        view, _ = self._commands.create_conversation(user, data, kind="GROUP")
        return created_reply("group", view)

    def create_broadcast(self, user: Identity, data: Data) -> Data:
        view, _ = self._commands.create_conversation(user, data, kind="BROADCAST")
        return created_reply("broadcast", view)
