"""Old clients' two-step loading: a quick first page, then full pages (`*:quickload`,
`*:fullload`). The same service calls as `getMessages` / `getConversations`; nothing is cached,
so `fromCache` is always false."""

from __future__ import annotations

from marshmallow import fields

from libs.servicekit.http import load
from services.chat_file.conversations.api.aliases import categorized_list, loaded
from services.chat_file.conversations.api.views import CONVERSATION_PAGE, HISTORY
from services.chat_file.conversations.application.bundle import ConversationsServices
from services.chat_file.kernel.identity import Identity
from services.chat_file.realtime.api import Data, Event, Payload

MAX_CONVERSATIONS_PAGE = 50


class MessagesQuick(Payload):
    conversationId = fields.String(required=True)
    limit = fields.Raw(load_default=20)


class MessagesFull(MessagesQuick):
    cursor = fields.String(load_default=None, allow_none=True)
    limit = fields.Raw(load_default=50)


class ConversationsQuick(Payload):
    limit = fields.Raw(load_default=10)


class ConversationsFull(Payload):
    page = fields.Raw(load_default=None)
    cursor = fields.Raw(load_default=None)  # the `nextCursor` of the previous page
    limit = fields.Raw(load_default=None)


# Schemas are stateless: one instance each, built at import (no I/O).
MESSAGES_QUICK = MessagesQuick()
MESSAGES_FULL = MessagesFull()
CONVERSATIONS_QUICK = ConversationsQuick()
CONVERSATIONS_FULL = ConversationsFull()


class LoadingEvents:
    EVENTS = {
        "messages:quickload": Event(
            "messages_quick", reply="messages:quick", error="messages:error", action="history"
        ),
        "messages:fullload": Event(
            "messages_full", reply="messages:full", error="messages:error", action="history"
        ),
        "conversations:quickload": Event(
            "conversations_quick",
            reply="conversations:quick",
            error="conversations:error",
            action="conversation-list",
        ),
        "conversations:fullload": Event(
            "conversations_full",
            reply="conversations:full",
            error="conversations:error",
            action="conversation-list",
        ),
    }

    def __init__(self, use_cases: ConversationsServices) -> None:
        self._conversations = use_cases.conversations
        self._messages = use_cases.messages

    def messages_quick(self, user: Identity, data: Data) -> Data:
        q = load(MESSAGES_QUICK, data)
        page = HISTORY.dump_fast(
            self._messages.history(user, q["conversationId"], None, q["limit"])
        )
        keys = ("conversationId", "messages", "hasMore", "nextCursor")
        return {**{k: page[k] for k in keys}, **loaded()}

    def messages_full(self, user: Identity, data: Data) -> Data:
        q = load(MESSAGES_FULL, data)
        page = HISTORY.dump_fast(
            self._messages.history(user, q["conversationId"], q["cursor"], q["limit"])
        )
        return {**page, **loaded()}

    def conversations_quick(self, user: Identity, data: Data) -> Data:
        q = load(CONVERSATIONS_QUICK, data)
        found = CONVERSATION_PAGE.dump_fast(
            self._conversations.list_for(user, 1, q["limit"], MAX_CONVERSATIONS_PAGE)
        )
        keys = ("conversations", "totalUnreadMessages", "unreadConversations", "pagination")
        more = found["pagination"]["hasMore"]
        listed = {k: found[k] for k in keys}
        return {**listed, "hasMore": more, **categorized_list(found), **loaded()}

    def conversations_full(self, user: Identity, data: Data) -> Data:
        q = load(CONVERSATIONS_FULL, data)
        page = q["page"] if q["page"] is not None else q["cursor"]
        found = CONVERSATION_PAGE.dump_fast(
            self._conversations.list_for(user, page, q["limit"], MAX_CONVERSATIONS_PAGE)
        )
        following = found["metadata"]["pagination"]["nextPage"]
        cursor = following and str(following)
        return {**found, "nextCursor": cursor, **categorized_list(found), **loaded()}
