"""The fan-out of a message to a group encodes its payload once, whatever the number of
sockets: one emit to every member's room, and python-socketio's manager encodes that packet
once and hands the same frame to each socket (our part: never one emit per user or socket).
That holds with SYNC_SEQ_IN_EVENTS=false; by default each member's copy carries their own sync
`seq` (issue 27), one frame each: tests/unit/chat_file/sync/test_sync_socket.py."""

from __future__ import annotations

from typing import Any

import fakeredis

from services.chat_file.app import create_app
from tests.fake_stores import fake_chat_stores

from ..fakes import FakeProfileSource, profile
from .test_socket_events import settings, token

MEMBERS = [f"member{n:02d}" for n in range(20)]


def test_a_group_message_is_encoded_once_for_twenty_sockets() -> None:
    app = create_app(
        settings(SYNC_SEQ_IN_EVENTS="false"),
        stores=fake_chat_stores(),
        redis=fakeredis.FakeRedis(),
        auth_client=FakeProfileSource({u: profile(u, u, "Test") for u in MEMBERS}),
    )
    server = app.extensions["socketio"]
    http = app.test_client()
    made = http.post(
        "/groups",
        json={"name": "Cabinet", "members": MEMBERS[1:]},
        headers={"Authorization": f"Bearer {token(MEMBERS[0])}"},
    )
    assert made.status_code == 201, made.get_json()
    sockets = [server.test_client(app, auth={"token": token(u)}) for u in MEMBERS]
    frames: list[Any] = []  # the Engine.IO packets handed to the sockets for `newMessage`
    deliver = server.server._send_eio_packet  # the test clients' delivery

    def recording(eio_sid: str, eio_packet: Any) -> None:
        if str(eio_packet.data).startswith('2["newMessage"'):
            frames.append(eio_packet)
        deliver(eio_sid, eio_packet)

    server.server._send_eio_packet = recording
    body = {"conversationId": made.get_json()["data"]["id"], "content": "Bonjour"}
    ack = sockets[0].emit("sendMessage", body, callback=True)
    assert ack["success"], ack
    delivered = [[e for e in c.get_received() if e["name"] == "newMessage"] for c in sockets]
    assert all(len(d) == 1 for d in delivered)  # every member's socket got it...
    assert len(frames) == len(MEMBERS) and len({id(f) for f in frames}) == 1  # ...one frame
