"""`report:new` over real Socket.IO plumbing (Flask-SocketIO's test client, threading mode,
fakeredis): the role claim of the socket's token puts moderators and admins in the moderators'
room at connect; other users never get the event."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import fakeredis
import pytest
from flask import Flask

from services.chat_file.app import create_app
from services.chat_file.settings import Settings
from tests.fake_stores import fake_chat_stores
from tests.support.tokens import bearer, mint

from ..fakes import FakeProfileSource, profile

SECRET = "unit-moderation-secret-0123456789abcdef-012345678"
USERS = {u: profile(u, u.capitalize(), "Test") for u in ("alice", "bob", "mod", "root")}


@pytest.fixture
def app() -> Flask:
    env = {"APP_ENV": "test", "JWT_SECRET": SECRET, "CHAT_ASYNC_MODE": "threading"}
    return create_app(
        Settings.from_env({**env, "REDIS_KEY_PREFIX": "unit:"}),
        stores=fake_chat_stores(),
        redis=fakeredis.FakeRedis(),
        auth_client=FakeProfileSource(USERS),
    )


@pytest.fixture
def sockets(app: Flask) -> Iterator[dict[str, Any]]:
    socketio = app.extensions["socketio"]
    opened = {
        name: socketio.test_client(app, auth={"token": mint(name, SECRET, **claims)})
        for name, claims in {
            "mod": {"role": "moderator"},
            "root": {"role": "admin"},
            "bob": {"role": "compliance"},
            "alice": {},
        }.items()
    }
    yield opened
    for client in opened.values():
        if client.is_connected():
            client.disconnect()


def received(client: Any, event: str) -> list[dict[str, Any]]:
    return [m["args"][0] for m in client.get_received() if m["name"] == event]


def test_moderators_and_admins_get_report_new_and_nobody_else(
    app: Flask, sockets: dict[str, Any]
) -> None:
    http = app.test_client()
    alice = bearer("alice", SECRET)
    body = {"type": "PRIVATE", "participantId": "bob"}
    cid = http.post("/conversations", json=body, headers=alice).get_json()["data"]["id"]
    message = {"conversationId": cid, "content": "insulte"}
    mid = http.post("/messages", json=message, headers=bearer("bob", SECRET)).get_json()["data"]
    for client in sockets.values():
        client.get_received()  # what connecting and the message brought
    reported = http.post(
        f"/messages/{mid['id']}/report", json={"reason": "harassment"}, headers=alice
    )
    assert reported.status_code == 201
    report = reported.get_json()["data"]
    assert received(sockets["mod"], "report:new") == [report]
    assert received(sockets["root"], "report:new") == [report]
    assert received(sockets["bob"], "report:new") == []  # compliance does not moderate
    assert received(sockets["alice"], "report:new") == []


def test_a_block_hides_typing_and_presence_over_real_sockets(app: Flask) -> None:
    http = app.test_client()
    alice, bob = bearer("alice", SECRET), bearer("bob", SECRET)
    made = http.post("/conversations", json={"participantId": "bob"}, headers=alice)
    cid = made.get_json()["data"]["id"]
    assert http.post("/users/bob/block", headers=alice).status_code == 200
    socketio = app.extensions["socketio"]
    bobs = socketio.test_client(app, auth={"token": mint("bob", SECRET)})
    alices = socketio.test_client(app, auth={"token": mint("alice", SECRET)})
    names = [m["name"] for m in bobs.get_received()]
    assert "user_online" not in names  # alice came online: bob is not told
    alices.emit("typing", {"conversationId": cid}, callback=True)
    assert [m for m in bobs.get_received() if m["name"] in {"userTyping", "typing"}] == []
    online = bobs.emit("getOnlineUsers", {}, callback=True)
    assert "alice" not in str(online)
    assert http.delete("/users/bob/block", headers=alice).status_code == 200
    alices.emit("stopTyping", {"conversationId": cid}, callback=True)
    alices.emit("typing", {"conversationId": cid}, callback=True)  # the control: now it arrives
    assert [m for m in bobs.get_received() if m["name"] == "userTyping"]
    assert http.get("/users/blocked", headers=bob).get_json()["data"]["users"] == []
    for client in (alices, bobs):
        client.disconnect()
