"""`ChatNamespace`: the default namespace `/`, one class, its events in one table.

Each handler is a method of one of the groups it is made of (`MessageEvents`...), a few lines
that read the payload and call one command or use case; `EVENTS` maps every client event to
its method, its legacy reply event and its error event. `dispatch` runs them all the same way.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from flask_socketio import Namespace

from services.chat_file.conversations.socket.conversations import (
    CONVERSATION_EVENTS,
    ConversationEvents,
)
from services.chat_file.conversations.socket.loading import LOADING_EVENTS, LoadingEvents
from services.chat_file.conversations.socket.messages import MESSAGE_EVENTS, MessageEvents
from services.chat_file.conversations.socket.participants import (
    PARTICIPANT_EVENTS,
    ParticipantEvents,
)
from services.chat_file.realtime.socket.base import Handlers
from services.chat_file.realtime.socket.connection import CONNECTION_EVENTS, ConnectionEvents
from services.chat_file.realtime.socket.events import Event, dispatch
from services.chat_file.realtime.socket.hub import RealtimeHub
from services.chat_file.realtime.socket.session_guard import SESSION_EVENTS, SessionEvents

EVENTS: dict[str, Event] = {
    **CONNECTION_EVENTS,
    **CONVERSATION_EVENTS,
    **MESSAGE_EVENTS,
    **LOADING_EVENTS,
    **PARTICIPANT_EVENTS,
    **SESSION_EVENTS,
}


class ChatNamespace(
    ConnectionEvents,
    ConversationEvents,
    MessageEvents,
    LoadingEvents,
    ParticipantEvents,
    SessionEvents,
    Handlers,
    Namespace,
):
    def __init__(self, hub: RealtimeHub, chat: Any) -> None:
        Namespace.__init__(self, "/")
        self.hub, self.chat, self.commands = hub, chat, chat.commands

    def trigger_event(self, event: str, *args: Any) -> Any:
        """`connect` / `disconnect` go to `on_connect` / `on_disconnect`; the table's events
        through `dispatch`; any other event is ignored."""
        spec = EVENTS.get(event)
        if spec is None:
            return super().trigger_event(event, *args)
        run = partial(dispatch, event, spec, getattr(self, spec.method), self.hub.sessions)
        return self.socketio._handle_event(run, event, self.namespace, *args)
