"""Old clients' two-step loading: a quick first page, then full pages (`*:quickload`,
`*:fullload`). The same service calls as `getMessages` / `getConversations`; nothing is cached,
so `fromCache` is always false."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields

from libs.servicekit.http import load
from services.chat_file.application.realtime import utc_now_iso
from services.chat_file.domain.identity import Identity

from .events import register
from .hub import RealtimeHub

MAX_CONVERSATIONS_PAGE = 50


class _Payload(Schema):
    class Meta:
        unknown = EXCLUDE


class MessagesQuick(_Payload):
    conversationId = fields.String(required=True)
    limit = fields.Raw(load_default=20)


class MessagesFull(MessagesQuick):
    cursor = fields.String(load_default=None, allow_none=True)
    limit = fields.Raw(load_default=50)


class ConversationsQuick(_Payload):
    limit = fields.Raw(load_default=10)


class ConversationsFull(_Payload):
    page = fields.Raw(load_default=None)
    cursor = fields.Raw(load_default=None)  # the `nextCursor` of the previous page
    limit = fields.Raw(load_default=None)


# Schemas are stateless: one instance each, built at import (no I/O).
MESSAGES_QUICK = MessagesQuick()
MESSAGES_FULL = MessagesFull()
CONVERSATIONS_QUICK = ConversationsQuick()
CONVERSATIONS_FULL = ConversationsFull()


def register_loading_events(hub: RealtimeHub, chat: Any) -> None:
    socketio, sessions = hub.socketio, hub.sessions

    def messages_quick(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        q = load(MESSAGES_QUICK, data)
        page = chat.messages.history(user, q["conversationId"], None, q["limit"])
        keys = ("conversationId", "messages", "hasMore", "nextCursor")
        return {**{k: page[k] for k in keys}, **_loaded()}

    def messages_full(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        q = load(MESSAGES_FULL, data)
        page = chat.messages.history(user, q["conversationId"], q["cursor"], q["limit"])
        return {**page, **_loaded()}

    def conversations_quick(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        q = load(CONVERSATIONS_QUICK, data)
        found = chat.conversations.list_for(user, 1, q["limit"], MAX_CONVERSATIONS_PAGE)
        keys = ("conversations", "totalUnreadMessages", "unreadConversations")
        more = found["pagination"]["hasMore"]
        return {**{k: found[k] for k in keys}, "hasMore": more, **_loaded()}

    def conversations_full(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        q = load(CONVERSATIONS_FULL, data)
        page = q["page"] if q["page"] is not None else q["cursor"]
        found = chat.conversations.list_for(user, page, q["limit"], MAX_CONVERSATIONS_PAGE)
        following = found["metadata"]["pagination"]["nextPage"]
        return {**found, "nextCursor": following and str(following), **_loaded()}

    register(
        socketio, sessions, "messages:quickload", messages_quick,
        reply="messages:quick", error="messages:error",
    )  # fmt: skip
    register(
        socketio, sessions, "messages:fullload", messages_full,
        reply="messages:full", error="messages:error",
    )  # fmt: skip
    register(
        socketio, sessions, "conversations:quickload", conversations_quick,
        reply="conversations:quick", error="conversations:error",
    )  # fmt: skip
    register(
        socketio, sessions, "conversations:fullload", conversations_full,
        reply="conversations:full", error="conversations:error",
    )  # fmt: skip


def _loaded() -> dict[str, Any]:
    return {"fromCache": False, "timestamp": utc_now_iso()}
