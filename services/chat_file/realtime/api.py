"""What another context may use of realtime to add its own socket events: an `Event` table entry
(handler method, legacy reply event, error event), the payload schema base and the usual
references, the calling socket's id, and the rooms of the calling socket. A context's handler
group is a plain object with an `EVENTS` table; the composition root hands the groups to
`install_socketio`, which builds one event table from them (no inheritance)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from flask import request
from marshmallow import EXCLUDE, Schema, fields

from libs.servicekit.http import load

Data = dict[str, Any]
# Every socket whose identity moderates (moderator, admin) joins it at connect.
MODERATORS_ROOM = "moderators"
Handler = Callable[[Any, Data], Data]  # (the caller's Identity, or None if public; payload)


@dataclass(frozen=True)
class Event:
    """A client event: the handler method `fn(user, data) -> dict` of its group (`user` is an
    `Identity`, None if `public`), the legacy `reply` event (if any), the event failures go
    to, and the events that follow it (`then`); `action`, the per-user limit it counts
    against (kernel/limits.py), checked by the dispatch before the handler runs."""

    method: str
    reply: str | None = None
    error: str = "error"
    public: bool = False
    action: str | None = None
    # client events of any group run next, with an empty payload, once this one succeeded
    # (their replies reach the same socket; the old backend pushed them unasked)
    then: tuple[str, ...] = ()


class HandlerGroup(Protocol):
    """A context's socket handlers: methods named by the `Event`s of `EVENTS`."""

    @property
    def EVENTS(self) -> Mapping[str, Event]: ...


class SocketRooms(Protocol):
    """The rooms of the calling socket (its conversations' rooms)."""

    def join(self, conversation_id: str) -> None: ...

    def leave(self, conversation_id: str) -> None: ...


class Payload(Schema):
    class Meta:
        unknown = EXCLUDE


class MessageRef(Payload):
    messageId = fields.String(required=True)


class ConversationRef(Payload):
    conversationId = fields.String(required=True)


# Schemas are stateless: one instance each, built at import (no I/O).
MESSAGE_REF = MessageRef()
CONVERSATION_REF = ConversationRef()


def conversation_ref(data: Data) -> str:
    """The `conversationId` of a payload (VALIDATION_ERROR without one)."""
    return str(load(CONVERSATION_REF, data)["conversationId"])


class RoomAlerts:
    """An event to every socket in one room (`MODERATORS_ROOM`), in every process sharing the
    message queue; `encode` turns the announced result into its wire shape. Before the server
    is bound to an app (a script, a worker) there is no socket to tell, and nothing is sent."""

    def __init__(self, socketio: Any, room: str, encode: Callable[[str, object], Data]) -> None:
        self._socketio = socketio
        self._room = room
        self._encode = encode

    def alert(self, event: str, payload: object) -> None:
        if self._socketio.server is not None:
            self._socketio.emit(event, self._encode(event, payload), to=self._room)


def current_sid() -> str:
    """The id of the socket whose event is being handled."""
    value: str = request.sid  # type: ignore[attr-defined]
    return value


__all__ = [
    "CONVERSATION_REF",
    "MESSAGE_REF",
    "MODERATORS_ROOM",
    "ConversationRef",
    "Data",
    "Event",
    "Handler",
    "HandlerGroup",
    "MessageRef",
    "Payload",
    "RoomAlerts",
    "SocketRooms",
    "conversation_ref",
    "current_sid",
]
