"""Typing indicators and the socket's conversation rooms: `typing`, `stopTyping`,
`joinConversation`, `leaveConversation` (participants only, like every conversation event)."""

from __future__ import annotations

from marshmallow import fields

from libs.servicekit.http import load
from services.chat_file.kernel.identity import Identity
from services.chat_file.realtime.api import (
    ConversationRef,
    Data,
    Event,
    conversation_ref,
    current_sid,
)
from services.chat_file.realtime.socket.hub import RealtimeHub


class TypingRef(ConversationRef):
    isTyping = fields.Boolean(load_default=True)  # old clients: `typing {isTyping: false}` stops


TYPING_REF = TypingRef()


class RoomEvents:
    EVENTS = {
        "typing": Event("typing", action="typing"),
        "stopTyping": Event("stop_typing", action="typing"),
        "joinConversation": Event("join"),
        "leaveConversation": Event("leave"),
    }

    def __init__(self, hub: RealtimeHub) -> None:
        self._hub = hub

    def typing(self, user: Identity, data: Data) -> Data:
        ref = load(TYPING_REF, data)
        cid = str(ref["conversationId"])
        if not ref["isTyping"]:
            return self.stop_typing(user, data)
        participants = self._hub.typing_audience(user, cid)
        self._hub.typing.start(user.user_id, cid, participants, current_sid())
        return {"conversationId": cid}

    def stop_typing(self, user: Identity, data: Data) -> Data:
        cid = conversation_ref(data)
        self._hub.typing.stop(user.user_id, cid)
        return {"conversationId": cid}

    def join(self, user: Identity, data: Data) -> Data:
        cid = conversation_ref(data)
        self._hub.participants(user, cid)  # participants only
        self._hub.join(cid)
        return {"conversationId": cid}

    def leave(self, _user: Identity, data: Data) -> Data:
        cid = conversation_ref(data)
        self._hub.leave(cid)
        return {"conversationId": cid}
