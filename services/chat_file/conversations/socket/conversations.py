"""Conversation events: typing, join/leave, list, create group/broadcast."""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import fields

from libs.servicekit.http import load
from services.chat_file.conversations.application.presenters import group_summary
from services.chat_file.kernel.clock import utc_now_iso
from services.chat_file.kernel.identity import Identity
from services.chat_file.realtime.socket.base import (
    CONVERSATION_REF,
    ConversationRef,
    Data,
    Handlers,
    Payload,
)
from services.chat_file.realtime.socket.events import Event


class TypingRef(ConversationRef):
    isTyping = fields.Boolean(load_default=True)  # old clients: `typing {isTyping: false}` stops


class PageQuery(Payload):
    page = fields.Raw(load_default=None)
    limit = fields.Raw(load_default=None)


TYPING_REF = TypingRef()
PAGE_QUERY = PageQuery()


def conversation_id(data: Data) -> str:
    return str(load(CONVERSATION_REF, data)["conversationId"])


def created(kind: str, view: dict[str, Any]) -> dict[str, Any]:
    """`group:created` / `broadcast:created`: today's `conversation` and the old clients'
    `{success, group|broadcast, timestamp}`."""
    return {
        "success": True,
        kind: group_summary(view),
        "timestamp": utc_now_iso(),
        "conversation": view,
    }


class ConversationEvents(Handlers):
    def typing(self, user: Identity, data: Data) -> Data:
        ref = load(TYPING_REF, data)
        cid = str(ref["conversationId"])
        if not ref["isTyping"]:
            return self.stop_typing(user, data)
        sid = request.sid  # type: ignore[attr-defined]
        self.hub.typing.start(user.user_id, cid, self.hub.participants(user, cid), sid)
        return {"conversationId": cid}

    def stop_typing(self, user: Identity, data: Data) -> Data:
        cid = conversation_id(data)
        self.hub.typing.stop(user.user_id, cid)
        return {"conversationId": cid}

    def join(self, user: Identity, data: Data) -> Data:
        cid = conversation_id(data)
        self.hub.participants(user, cid)  # participants only
        self.hub.join(cid)
        return {"conversationId": cid}

    def leave(self, _user: Identity, data: Data) -> Data:
        cid = conversation_id(data)
        self.hub.leave(cid)
        return {"conversationId": cid}

    def list_conversations(self, user: Identity, data: Data) -> Data:
        query = load(PAGE_QUERY, data)
        found: Data = self.chat.conversations.list_for(user, query["page"], query["limit"])
        return found

    def create_group(self, user: Identity, data: Data) -> Data:
        view, _ = self.commands.create_conversation(user, data, kind="GROUP")
        return created("group", view)

    def create_broadcast(self, user: Identity, data: Data) -> Data:
        view, _ = self.commands.create_conversation(user, data, kind="BROADCAST")
        return created("broadcast", view)


CONVERSATION_EVENTS = {
    "typing": Event("typing"),
    "stopTyping": Event("stop_typing"),
    "joinConversation": Event("join"),
    "leaveConversation": Event("leave"),
    "getConversations": Event("list_conversations", reply="conversationsLoaded"),
    "createGroup": Event("create_group", reply="group:created"),
    "createBroadcast": Event("create_broadcast", reply="broadcast:created"),
}
