"""The socket side of sync: every change event carries the recipient's own `seq`, and the
socket event `sync` answers what `GET /sync` answers (Flask-SocketIO's test client, the real
`create_app` over fakes)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import fakeredis
import pytest
from flask import Flask

from services.chat_file.app import create_app
from tests.fake_stores import fake_chat_stores

from ..fakes import FakeProfileSource
from ..realtime.test_socket_events import USERS, settings, token


@pytest.fixture
def app() -> Flask:
    return create_app(
        settings(SOCKET_SEND_RATE="0"),
        stores=fake_chat_stores(),
        redis=fakeredis.FakeRedis(),
        auth_client=FakeProfileSource(USERS),
    )


@pytest.fixture
def clients(app: Flask) -> Iterator[dict[str, Any]]:
    socketio = app.extensions["socketio"]
    opened = {u: socketio.test_client(app, auth={"token": token(u)}) for u in ("alice", "bob")}
    yield opened
    for client in opened.values():
        if client.is_connected():
            client.disconnect()


def received(client: Any, name: str) -> list[dict[str, Any]]:
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def test_change_events_carry_each_recipients_own_seq_and_sync_replays_them(
    clients: dict[str, Any],
) -> None:
    alice, bob = clients["alice"], clients["bob"]
    start = bob.emit("sync", {}, callback=True)
    assert start["success"] and start["changes"] == [] and start["hasMore"] is False
    for text in ("un", "deux", "trois"):
        ack = alice.emit("sendMessage", {"receiverId": "bob", "content": text}, callback=True)
        assert ack["success"], ack
    live = received(bob, "newMessage")
    assert [m["content"] for m in live] == ["un", "deux", "trois"]
    seqs = [m["seq"] for m in live]
    assert seqs == list(range(seqs[0], seqs[0] + 3)) and seqs[0] > int(start["next"])
    mine = [m["seq"] for m in received(alice, "newMessage")]
    assert len(mine) == 3 and mine == sorted(mine)  # the sender's devices: her own numbers
    replay = bob.emit("sync", {"since": start["next"], "limit": 50}, callback=True)
    assert replay["success"] and replay["hasMore"] is False
    news = [c for c in replay["changes"] if c["event"] == "newMessage"]
    assert [c["seq"] for c in news] == seqs
    assert [c["data"]["content"] for c in news] == ["un", "deux", "trois"]
    assert all("seq" not in c["data"] for c in replay["changes"])
    assert replay["next"] == str(replay["changes"][-1]["seq"])
    again = bob.emit("sync", {"since": replay["next"]}, callback=True)
    assert again["changes"] == [] and again["next"] == replay["next"]


def test_sync_failures_answer_the_http_codes(clients: dict[str, Any]) -> None:
    bob = clients["bob"]
    bad = bob.emit("sync", {"since": "x"}, callback=True)
    assert (bad["success"], bad["code"]) == (False, "INVALID_SYNC_TOKEN")
    ahead = bob.emit("sync", {"since": "42"}, callback=True)
    assert (ahead["success"], ahead["code"]) == (False, "SYNC_TOKEN_EXPIRED")
    assert [e["name"] for e in bob.get_received()].count("sync:error") == 2


def test_without_seq_in_events_changes_are_still_logged_for_sync() -> None:
    app = create_app(
        settings(SOCKET_SEND_RATE="0", SYNC_SEQ_IN_EVENTS="false"),
        stores=fake_chat_stores(),
        redis=fakeredis.FakeRedis(),
        auth_client=FakeProfileSource(USERS),
    )
    socketio = app.extensions["socketio"]
    alice, bob = (socketio.test_client(app, auth={"token": token(u)}) for u in ("alice", "bob"))
    try:
        start = bob.emit("sync", {}, callback=True)["next"]
        ack = alice.emit("sendMessage", {"receiverId": "bob", "content": "un"}, callback=True)
        assert ack["success"], ack
        (live,) = received(bob, "newMessage")
        assert live["content"] == "un" and "seq" not in live
        replay = bob.emit("sync", {"since": start}, callback=True)
        assert [c["data"]["content"] for c in replay["changes"] if c["event"] == "newMessage"] == [
            "un"
        ]
    finally:
        alice.disconnect()
        bob.disconnect()
