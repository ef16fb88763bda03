"""Conversation events: typing, join/leave, list, create group/broadcast."""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import EXCLUDE, Schema, fields

from libs.servicekit.http import load
from services.chat_file.application.presenters import group_summary
from services.chat_file.application.realtime import utc_now_iso
from services.chat_file.domain.identity import Identity

from .events import register
from .hub import RealtimeHub


class _Payload(Schema):
    class Meta:
        unknown = EXCLUDE


class ConversationRef(_Payload):
    conversationId = fields.String(required=True)


class TypingRef(ConversationRef):
    isTyping = fields.Boolean(load_default=True)  # old clients: `typing {isTyping: false}` stops


class PageQuery(_Payload):
    page = fields.Raw(load_default=None)
    limit = fields.Raw(load_default=None)


class NewGroup(_Payload):
    name = fields.String(load_default=None, allow_none=True)
    members = fields.List(fields.String(), load_default=list)


class NewBroadcast(_Payload):
    name = fields.String(load_default=None, allow_none=True)
    recipients = fields.List(fields.String(), load_default=list)
    admins = fields.List(fields.String(), load_default=list)


# Schemas are stateless: one instance each, built at import (no I/O).
CONVERSATION_REF = ConversationRef()
TYPING_REF = TypingRef()
PAGE_QUERY = PageQuery()
NEW_GROUP = NewGroup()
NEW_BROADCAST = NewBroadcast()


def created(kind: str, view: dict[str, Any]) -> dict[str, Any]:
    """`group:created` / `broadcast:created`: today's `conversation` and the old clients'
    `{success, group|broadcast, timestamp}`."""
    return {
        "success": True,
        kind: group_summary(view),
        "timestamp": utc_now_iso(),
        "conversation": view,
    }


def register_conversation_events(hub: RealtimeHub, chat: Any) -> None:
    socketio, sessions = hub.socketio, hub.sessions

    def conversation_id(data: dict[str, Any]) -> str:
        return str(load(CONVERSATION_REF, data)["conversationId"])

    def typing(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        ref = load(TYPING_REF, data)
        cid = str(ref["conversationId"])
        if not ref["isTyping"]:
            return stop_typing(user, data)
        hub.typing.start(user.user_id, cid, hub.participants(user, cid), request.sid)  # type: ignore[attr-defined]
        return {"conversationId": cid}

    def stop_typing(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        cid = conversation_id(data)
        hub.typing.stop(user.user_id, cid)
        return {"conversationId": cid}

    def join(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        cid = conversation_id(data)
        hub.participants(user, cid)  # participants only
        hub.join(cid)
        return {"conversationId": cid}

    def leave(_user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        cid = conversation_id(data)
        hub.leave(cid)
        return {"conversationId": cid}

    def list_conversations(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        query = load(PAGE_QUERY, data)
        return chat.conversations.list_for(user, query["page"], query["limit"])

    def create_group(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        body = load(NEW_GROUP, data)
        view, _ = chat.conversations.create(
            user, "GROUP", name=body["name"], members=body["members"]
        )
        return created("group", view)

    def create_broadcast(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        body = load(NEW_BROADCAST, data)
        view, _ = chat.conversations.create(
            user, "BROADCAST", name=body["name"], members=body["recipients"], admins=body["admins"]
        )
        return created("broadcast", view)

    register(socketio, sessions, "typing", typing)
    register(socketio, sessions, "stopTyping", stop_typing)
    register(socketio, sessions, "joinConversation", join)
    register(socketio, sessions, "leaveConversation", leave)
    register(
        socketio, sessions, "getConversations", list_conversations, reply="conversationsLoaded"
    )
    register(socketio, sessions, "createGroup", create_group, reply="group:created")
    register(socketio, sessions, "createBroadcast", create_broadcast, reply="broadcast:created")
