"""Fan-out cost of a new message: its wire shape is made once and its sender's display data is
resolved once; each member then gets one packet carrying their own change number (`seq`, the
sync log's: issue 27), which is the one part that differs per recipient."""

from __future__ import annotations

from typing import Any

import fakeredis
from flask import Flask

from services.chat_file.app import create_app
from tests.fake_stores import fake_chat_stores

from ..fakes import FakeProfileCache, FakeProfileSource, profile
from .test_socket_events import settings, token

MEMBERS = ["alice", "bob", "carol", "dave", "erin"]
USERS = {u: profile(u, u.capitalize(), "Test") for u in MEMBERS}


def counting_encodes(app: Flask) -> list[str]:
    """Event names of every Socket.IO packet the server encodes from now on."""
    server = app.extensions["socketio"].server
    encoded: list[str] = []

    class CountingPacket(server.packet_class):  # type: ignore[name-defined,misc]
        def encode(self) -> Any:
            if isinstance(self.data, list) and self.data and isinstance(self.data[0], str):
                encoded.append(self.data[0])
            return super().encode()

    server.packet_class = CountingPacket
    return encoded


def test_a_new_message_is_shaped_once_and_its_sender_resolved_once() -> None:
    cache = FakeProfileCache()
    app = create_app(
        settings(SOCKET_SEND_RATE="0"),
        stores=fake_chat_stores(),
        redis=fakeredis.FakeRedis(),
        cache=cache,
        auth_client=FakeProfileSource(USERS),
    )
    socketio = app.extensions["socketio"]
    clients = {u: socketio.test_client(app, auth={"token": token(u)}) for u in MEMBERS}
    created = clients["alice"].emit(
        "createGroup", {"name": "Équipe", "members": MEMBERS[1:]}, callback=True
    )
    cid = created["conversation"]["id"]
    for client in clients.values():
        client.get_received()
    encoded, reads = counting_encodes(app), cache.reads
    body = {"conversationId": cid, "content": "Bonjour à tous", "type": "TEXT"}
    assert clients["alice"].emit("sendMessage", body, callback=True)["success"]
    seqs = set()
    for user in MEMBERS:
        received = [e for e in clients[user].get_received() if e["name"] == "newMessage"]
        assert [e["args"][0]["senderName"] for e in received] == ["Alice Test"], user
        seqs.add((user, received[0]["args"][0]["seq"]))
    assert len(seqs) == len(MEMBERS)
    assert encoded.count("newMessage") == len(MEMBERS)  # one packet per member: its own seq
    assert cache.reads - reads == 1  # the sender, looked up once for the event
    for client in clients.values():
        client.disconnect()
