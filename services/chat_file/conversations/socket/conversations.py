"""Conversation events: list, create a group or a broadcast (typing and rooms are realtime's)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from libs.servicekit.http import load
from services.chat_file.conversations.api.commands import ChatCommands
from services.chat_file.conversations.application.bundle import ConversationsServices
from services.chat_file.conversations.application.presenters import group_summary
from services.chat_file.kernel.clock import utc_now_iso
from services.chat_file.kernel.identity import Identity
from services.chat_file.realtime.api import Data, Event, Payload


class PageQuery(Payload):
    page = fields.Raw(load_default=None)
    limit = fields.Raw(load_default=None)


PAGE_QUERY = PageQuery()


def created(kind: str, view: dict[str, Any]) -> dict[str, Any]:
    """`group:created` / `broadcast:created`: today's `conversation` and the old clients'
    `{success, group|broadcast, timestamp}`."""
    return {
        "success": True,
        kind: group_summary(view),
        "timestamp": utc_now_iso(),
        "conversation": view,
    }


class ConversationEvents:
    EVENTS = {
        "getConversations": Event("list_conversations", reply="conversationsLoaded"),
        "createGroup": Event("create_group", reply="group:created"),
        "createBroadcast": Event("create_broadcast", reply="broadcast:created"),
    }

    def __init__(self, use_cases: ConversationsServices, commands: ChatCommands) -> None:
        self._conversations = use_cases.conversations
        self._commands = commands

    def list_conversations(self, user: Identity, data: Data) -> Data:
        query = load(PAGE_QUERY, data)
        found: Data = self._conversations.list_for(user, query["page"], query["limit"])
        return found

    def create_group(self, user: Identity, data: Data) -> Data:
        view, _ = self._commands.create_conversation(user, data, kind="GROUP")
        return created("group", view)

    def create_broadcast(self, user: Identity, data: Data) -> Data:
        view, _ = self._commands.create_conversation(user, data, kind="BROADCAST")
        return created("broadcast", view)
