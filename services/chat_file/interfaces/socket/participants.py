"""Old clients' membership events: `addParticipant`, `removeParticipant`,
`leaveConversationPermanent` (the same service rules as the HTTP routes)."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields

from libs.servicekit.http import load
from services.chat_file.domain.identity import Identity

from .events import register
from .hub import RealtimeHub


class OneOrMany(fields.Field):
    """One id or a non-empty list of ids (old clients send either); always a list."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        ids = value if isinstance(value, list) else [value]
        if not ids or not all(isinstance(i, str) for i in ids):
            raise ValidationError("Un identifiant ou une liste d'identifiants est attendu")
        return ids


class ParticipantChange(Schema):
    class Meta:
        unknown = EXCLUDE

    conversationId = fields.String(required=True)
    participantId = OneOrMany(required=True)


class Leave(Schema):
    class Meta:
        unknown = EXCLUDE

    conversationId = fields.String(required=True)


# Schemas are stateless: one instance each, built at import (no I/O).
PARTICIPANT_CHANGE = ParticipantChange()
LEAVE = Leave()


def register_participant_events(hub: RealtimeHub, chat: Any) -> None:
    """The answer is in the ack; `participant:added` / `participant:removed` reach the caller
    with every other participant (and the users concerned) through the service's event."""
    socketio, sessions = hub.socketio, hub.sessions

    def change(user: Identity, data: dict[str, Any]) -> tuple[str, list[Any]]:
        body = load(PARTICIPANT_CHANGE, data)
        return str(body["conversationId"]), body["participantId"]

    def add(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        return chat.conversations.add_members(user, *change(user, data))

    def remove(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        return chat.conversations.remove_members(user, *change(user, data))

    def leave_for_good(user: Identity, data: dict[str, Any]) -> dict[str, Any]:
        cid = str(load(LEAVE, data)["conversationId"])
        left = chat.conversations.leave(user, cid)
        hub.leave(cid)
        return left

    register(socketio, sessions, "addParticipant", add, error="participant:error")
    register(socketio, sessions, "removeParticipant", remove, error="participant:error")
    register(
        socketio, sessions, "leaveConversationPermanent", leave_for_good,
        reply="conversation:left_permanent", error="conversation:error",
    )  # fmt: skip
