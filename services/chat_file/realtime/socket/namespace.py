"""`ChatNamespace`: the default namespace `/`, its events in one table built from handler groups.

Each group (realtime's connection, session and room events, the conversations context's
message and conversation events...) is a plain object with an `EVENTS` table naming, for each
client event, its handler method, its legacy reply event and its error event. `event_table`
composes the groups' tables into one (an event claimed twice is refused at start); `dispatch`
runs every event the same way. `connect` and `disconnect` go to the connection group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from flask_socketio import Namespace

from services.chat_file.kernel.limits import UserLimits
from services.chat_file.realtime.api import Event, Handler, HandlerGroup
from services.chat_file.realtime.socket.connection import ConnectionEvents
from services.chat_file.realtime.socket.events import dispatch, unknown_event
from services.chat_file.realtime.socket.session import SocketSessions

Routes = dict[str, tuple[Event, Handler]]
LIFECYCLE = frozenset({"connect", "disconnect"})


def event_table(groups: Iterable[HandlerGroup]) -> Routes:
    """Every group's events, each with its group's bound handler."""
    table: Routes = {}
    for group in groups:
        for name, spec in group.EVENTS.items():
            if name in table:
                raise ValueError(f"socket event {name!r} is handled twice")
            table[name] = (spec, getattr(group, spec.method))
    return table


class ChatNamespace(Namespace):
    def __init__(
        self,
        connection: ConnectionEvents,
        groups: Iterable[HandlerGroup],
        sessions: SocketSessions,
        limits: UserLimits | None = None,
    ) -> None:
        super().__init__("/")
        self._limits = limits
        self._connection = connection
        self._routes = event_table([connection, *groups])
        self._sessions = sessions

    @property
    def events(self) -> frozenset[str]:
        """Every client event this namespace answers (its table), `connect`/`disconnect` aside."""
        return frozenset(self._routes)

    def on_connect(self, auth: Any = None) -> None:
        self._connection.connect(auth)

    def on_disconnect(self, *_reason: Any) -> None:
        self._connection.disconnect()

    def trigger_event(self, event: str, *args: Any) -> Any:
        """`connect` / `disconnect` go to `on_connect` / `on_disconnect`; the table's events
        through `dispatch`; any other event answers `error {event, code: UNKNOWN_EVENT}` (and
        the ack), where the old backend stayed silent."""
        if event in LIFECYCLE:
            return super().trigger_event(event, *args)
        route = self._routes.get(event)
        if route is None:
            run = partial(unknown_event, event, self._sessions)
        else:
            spec, handler = route
            run = partial(dispatch, event, spec, handler, self._sessions, self._limits)
            if spec.then:
                run = partial(self._followed, run, spec.then)
        return self.socketio._handle_event(run, event, self.namespace, *args)

    def _followed(self, run: Callable[..., dict[str, Any]], then: Iterable[str], *args: Any) -> Any:
        """Run the event, then (if it succeeded) the events that follow it, with no payload:
        their replies go to the same socket before the first event's ack."""
        answer = run(*args)
        if answer.get("success"):
            for name in then:
                route = self._routes.get(name)
                if route is not None:  # a group left out of this app: nothing follows
                    dispatch(name, route[0], route[1], self._sessions, self._limits, {})
        return answer
