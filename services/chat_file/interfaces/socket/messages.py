"""Message events: send, receipts, history, edit, delete (the same service calls as HTTP)."""

from __future__ import annotations

from typing import Any

from flask import request
from marshmallow import EXCLUDE, Schema, fields

from libs.servicekit.errors import CodedError
from libs.servicekit.http import load
from services.chat_file.application.realtime import utc_now_iso
from services.chat_file.domain.identity import Identity

from ..http.schemas import SendMessageSchema
from .events import register
from .hub import RealtimeHub

# Legacy clients say forMe/forEveryone; the service speaks me/everyone.
DELETE_SCOPES = {"me": "me", "forme": "me", "for_me": "me", "everyone": "everyone"}
DELETE_SCOPES |= {"foreveryone": "everyone", "for_everyone": "everyone", "all": "everyone"}


class RateLimitedError(CodedError):
    code = "RATE_LIMITED"
    message = "Trop de messages envoyés : réessayez dans un instant"


class _Payload(Schema):
    class Meta:
        unknown = EXCLUDE


class MessageRef(_Payload):
    messageId = fields.String(required=True)


class HistoryQuery(_Payload):
    conversationId = fields.String(required=True)
    cursor = fields.String(load_default=None, allow_none=True)
    limit = fields.Raw(load_default=None)
    direction = fields.String(load_default=None, allow_none=True)


class EditRef(MessageRef):
    newContent = fields.String(load_default=None, allow_none=True)
    content = fields.String(load_default=None, allow_none=True)


class DeleteRef(MessageRef):
    deleteType = fields.String(load_default="me")


# Schemas are stateless: one instance each, built at import (no I/O).
SEND_MESSAGE = SendMessageSchema()
MESSAGE_REF = MessageRef()
HISTORY_QUERY = HistoryQuery()
EDIT_REF = EditRef()
DELETE_REF = DeleteRef()


def register_message_events(hub: RealtimeHub, chat: Any) -> None:
    socketio, sessions = hub.socketio, hub.sessions

    def send(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        if not hub.limiter.allow(request.sid):  # type: ignore[attr-defined]
            raise RateLimitedError()
        body = load(SEND_MESSAGE, data)
        view, _ = chat.messages.send(
            user,
            conversation_id=body["conversationId"],
            receiver_id=body["receiverId"],
            content=body["content"],
            type=body["type"],
            file_id=body["fileId"],
            reply_to=body["replyTo"],
            temporary_id=body["temporaryId"],
            mentions=body["mentions"],
        )
        return {
            "messageId": view["messageId"],
            "temporaryId": view["temporaryId"],
            "status": view["status"],
            "result": view,
        }

    def mark(status: str) -> Any:
        def handler(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
            return chat.receipts.set_status(user, load(MESSAGE_REF, data)["messageId"], status)

        return handler

    def history(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        q = load(HISTORY_QUERY, data)
        return chat.messages.history(
            user, q["conversationId"], q["cursor"], q["limit"], q["direction"]
        )

    def edit(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        ref = load(EDIT_REF, data)
        content = ref["newContent"] if ref["newContent"] is not None else ref["content"]
        view = chat.messages.edit(user, ref["messageId"], content)
        legacy = {"messageId": view["messageId"], "newContent": view["content"]}
        return {"message": view, **legacy, "editedAt": view["editedAt"], "timestamp": utc_now_iso()}

    def delete(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        ref = load(DELETE_REF, data)
        scope = DELETE_SCOPES.get(ref["deleteType"].lower(), ref["deleteType"])
        return chat.messages.delete(user, ref["messageId"], scope)

    register(socketio, sessions, "sendMessage", send, reply="message_sent", error="message_error")
    for name in ("markMessageDelivered", "messageDelivered"):  # the Flutter app's names too
        register(socketio, sessions, name, mark("DELIVERED"))
    for name in ("markMessageRead", "messageRead"):
        register(socketio, sessions, name, mark("READ"))
    register(socketio, sessions, "getMessages", history, reply="messagesLoaded")
    register(socketio, sessions, "editMessage", edit)
    register(socketio, sessions, "deleteMessage", delete)
