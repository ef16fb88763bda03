"""Old clients' membership events: `addParticipant`, `removeParticipant`,
`leaveConversationPermanent` (the same commands as the HTTP routes).

The answer is in the ack; `participant:added` / `participant:removed` reach the caller with
every other participant (and the users concerned) through the service's event."""

from __future__ import annotations

from libs.servicekit.http import load
from services.chat_file.conversations.api.schemas import OneOrMany
from services.chat_file.conversations.socket.conversations import conversation_id
from services.chat_file.kernel.identity import Identity
from services.chat_file.realtime.socket.base import ConversationRef, Data, Handlers
from services.chat_file.realtime.socket.events import Event


class ParticipantRef(ConversationRef):
    """Which conversation and whom: the event says both (VALIDATION_ERROR without them)."""

    participantId = OneOrMany(required=True)


PARTICIPANT_REF = ParticipantRef()


def target(data: Data) -> str:
    return str(load(PARTICIPANT_REF, data)["conversationId"])


class ParticipantEvents(Handlers):
    def add_participant(self, user: Identity, data: Data) -> Data:
        return self.commands.add_members(user, target(data), data)

    def remove_participant(self, user: Identity, data: Data) -> Data:
        return self.commands.remove_members(user, target(data), data)

    def leave_for_good(self, user: Identity, data: Data) -> Data:
        cid = conversation_id(data)
        left = self.commands.leave(user, cid)
        self.hub.leave(cid)
        return left


PARTICIPANT_EVENTS = {
    "addParticipant": Event("add_participant", error="participant:error"),
    "removeParticipant": Event("remove_participant", error="participant:error"),
    "leaveConversationPermanent": Event(
        "leave_for_good", reply="conversation:left_permanent", error="conversation:error"
    ),
}
