"""Message events: send, receipts, history, edit, delete (the same commands as HTTP)."""

from __future__ import annotations

from marshmallow import fields

from libs.servicekit.http import load
from services.chat_file.conversations.api.aliases import edit_reply
from services.chat_file.conversations.api.commands import ChatCommands
from services.chat_file.conversations.api.views import HISTORY
from services.chat_file.conversations.application.bundle import ConversationsServices
from services.chat_file.kernel.identity import Identity
from services.chat_file.realtime.api import MESSAGE_REF, Data, Event, Payload, current_sid


class HistoryQuery(Payload):
    conversationId = fields.String(required=True)
    cursor = fields.String(load_default=None, allow_none=True)
    limit = fields.Raw(load_default=None)
    direction = fields.String(load_default=None, allow_none=True)


HISTORY_QUERY = HistoryQuery()


def message_id(data: Data) -> str:
    return str(load(MESSAGE_REF, data)["messageId"])


class MessageEvents:
    EVENTS = {
        "sendMessage": Event(
            "send_message", reply="message_sent", error="message_error", action="send"
        ),
        "markMessageDelivered": Event("mark_delivered", action="receipts"),
        "messageDelivered": Event(
            "mark_delivered", action="receipts"
        ),  # the Flutter app's names too
        "markMessageRead": Event("mark_read", action="receipts"),
        "messageRead": Event("mark_read", action="receipts"),
        "getMessages": Event("history", reply="messagesLoaded", action="history"),
        "editMessage": Event("edit_message", action="edit"),
        "deleteMessage": Event("delete_message", action="delete"),
    }

    def __init__(self, use_cases: ConversationsServices, commands: ChatCommands) -> None:
        self._messages = use_cases.messages
        self._commands = commands

    def send_message(self, user: Identity, data: Data) -> Data:
        view, _ = self._commands.send_message(user, data, channel=current_sid())
        ids = {k: view[k] for k in ("messageId", "temporaryId", "status")}
        return {**ids, "result": view}

    def mark_delivered(self, user: Identity, data: Data) -> Data:
        return self._commands.set_status(user, message_id(data), {"status": "DELIVERED"})

    def mark_read(self, user: Identity, data: Data) -> Data:
        return self._commands.set_status(user, message_id(data), {"status": "READ"})

    def history(self, user: Identity, data: Data) -> Data:
        q = load(HISTORY_QUERY, data)
        args = (q["conversationId"], q["cursor"], q["limit"], q["direction"])
        return HISTORY.dump_fast(self._messages.history(user, *args))

    def edit_message(self, user: Identity, data: Data) -> Data:
        return edit_reply(self._commands.edit_message(user, message_id(data), data))

    def delete_message(self, user: Identity, data: Data) -> Data:
        return self._commands.delete_message(user, message_id(data), data)
