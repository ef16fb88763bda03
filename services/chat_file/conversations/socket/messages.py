"""Message events: send, receipts, history, edit, delete (the same commands as HTTP)."""

from __future__ import annotations

from marshmallow import fields

from libs.servicekit.http import load
from services.chat_file.conversations.api.aliases import edit_reply
from services.chat_file.conversations.api.commands import ChatCommands
from services.chat_file.conversations.api.views import HISTORY, message_of
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
        # the receipt confirmed to the marking socket under the old name (`reply`)
        "markMessageDelivered": Event(
            "mark_delivered", reply="messageDelivered", action="receipts"
        ),
        "messageDelivered": Event(
            "mark_delivered", reply="messageDelivered", action="receipts"
        ),  # Flutter's name
        "markMessageRead": Event("mark_read", reply="messageRead", action="receipts"),
        "messageRead": Event("mark_read", reply="messageRead", action="receipts"),
        "getMessages": Event("history", reply="messagesLoaded", action="history"),
        "getMessage": Event("get_message", action="history"),  # one message, its edit history
        # the old console waits on `message:error` for a refused edit or delete
        "editMessage": Event("edit_message", error="message:error", action="edit"),
        "deleteMessage": Event("delete_message", error="message:error", action="delete"),
    }

    def __init__(self, use_cases: ConversationsServices, commands: ChatCommands) -> None:
        self._messages = use_cases.messages
        self._commands = commands

    def send_message(self, user: Identity, data: Data) -> Data:
        view, _ = self._commands.send_message(user, data, channel=current_sid())
        # `conversationId`: the real one (a first message may name a client-made id)
        ids = {k: view[k] for k in ("messageId", "conversationId", "temporaryId", "status")}
        return {**ids, "result": view}

    def mark_delivered(self, user: Identity, data: Data) -> Data:
        return self._commands.set_status(user, message_id(data), {"status": "DELIVERED"})

    def mark_read(self, user: Identity, data: Data) -> Data:
        return self._commands.set_status(user, message_id(data), {"status": "READ"})

    def history(self, user: Identity, data: Data) -> Data:
        q = load(HISTORY_QUERY, data)
        args = (q["conversationId"], q["cursor"], q["limit"], q["direction"])
        return HISTORY.dump_fast(self._messages.history(user, *args))

    def get_message(self, user: Identity, data: Data) -> Data:
        """What `GET /messages/<id>` answers: `message:edited` never carries the history."""
        return {"message": message_of(self._messages.get(user, message_id(data)))}

    def edit_message(self, user: Identity, data: Data) -> Data:
        return edit_reply(self._commands.edit_message(user, message_id(data), data))

    def delete_message(self, user: Identity, data: Data) -> Data:
        return self._commands.delete_message(user, message_id(data), data)
