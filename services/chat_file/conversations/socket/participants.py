"""Old clients' membership events: `addParticipant`, `removeParticipant`,
`leaveConversationPermanent` (the same commands as the HTTP routes).

The answer is in the ack; `participant:added` / `participant:removed` reach the caller with
every other participant (and the users concerned) through the service's event."""

from __future__ import annotations

from libs.servicekit.http import load
from services.chat_file.conversations.api.commands import ChatCommands
from services.chat_file.conversations.api.schemas import OneOrMany
from services.chat_file.kernel.identity import Identity
from services.chat_file.realtime.api import (
    ConversationRef,
    Data,
    Event,
    SocketRooms,
    conversation_ref,
)


class ParticipantRef(ConversationRef):
    """Which conversation and whom: the event says both (VALIDATION_ERROR without them)."""

    participantId = OneOrMany(required=True)


PARTICIPANT_REF = ParticipantRef()


def target(data: Data) -> str:
    return str(load(PARTICIPANT_REF, data)["conversationId"])


class ParticipantEvents:
    EVENTS = {
        "addParticipant": Event("add_participant", error="participant:error", action="membership"),
        "removeParticipant": Event(
            "remove_participant", error="participant:error", action="membership"
        ),
        "leaveConversationPermanent": Event(
            "leave_for_good",
            reply="conversation:left_permanent",
            error="conversation:error",
            action="membership",
        ),
    }

    def __init__(self, commands: ChatCommands, rooms: SocketRooms) -> None:
        self._commands = commands
        self._rooms = rooms

    def add_participant(self, user: Identity, data: Data) -> Data:
        return self._commands.add_members(user, target(data), data)

    def remove_participant(self, user: Identity, data: Data) -> Data:
        return self._commands.remove_members(user, target(data), data)

    def leave_for_good(self, user: Identity, data: Data) -> Data:
        cid = conversation_ref(data)
        left = self._commands.leave(user, cid)
        self._rooms.leave(cid)
        return left
