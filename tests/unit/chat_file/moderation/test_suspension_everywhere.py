"""A suspension made through one app reaches another app sharing the same Redis (two
processes' worth of wiring, one fakeredis server) within a second, on both transports: the
socket's `sendMessage` ack and the HTTP answer both say SUSPENDED; reads still work."""

from __future__ import annotations

import time
from typing import Any

import fakeredis
import pytest
from flask import Flask

from services.chat_file.app import create_app
from services.chat_file.moderation.adapters.suspensions import RedisSuspensions
from services.chat_file.settings import Settings
from tests.fake_stores import fake_chat_stores
from tests.support.tokens import bearer, mint
from tests.support.waiting import wait_until

from ..fakes import FakeProfileSource, profile

SECRET = "unit-suspension-secret-0123456789abcdef-0123456"
USERS = {u: profile(u, u.capitalize(), "Test") for u in ("alice", "bob", "mod")}


def app_on(server: fakeredis.FakeServer, stores: Any) -> Flask:
    env = {"APP_ENV": "test", "JWT_SECRET": SECRET, "CHAT_ASYNC_MODE": "threading"}
    return create_app(
        Settings.from_env({**env, "REDIS_KEY_PREFIX": "unit:"}),
        stores=stores,
        redis=fakeredis.FakeRedis(server=server),
        auth_client=FakeProfileSource(USERS),
    )


@pytest.fixture
def apps() -> tuple[Flask, Flask]:
    server, stores = fakeredis.FakeServer(), fake_chat_stores()  # one Redis, one database
    return app_on(server, stores), app_on(server, stores)


def test_a_suspension_reaches_every_process_within_a_second(apps: tuple[Flask, Flask]) -> None:
    first, second = apps
    http = second.test_client()
    made = http.post(
        "/conversations", json={"participantId": "alice"}, headers=bearer("bob", SECRET)
    )
    cid = made.get_json()["data"]["id"]
    socket = second.extensions["socketio"].test_client(second, auth={"token": mint("bob", SECRET)})
    body = {"conversationId": cid, "content": "bonjour", "type": "TEXT"}
    sent = socket.emit("sendMessage", body, callback=True)
    mark = {"messageId": sent["messageId"]}
    moderator = bearer("mod", SECRET, role="moderator")
    started = time.monotonic()
    done = first.test_client().post("/moderation/users/bob/suspension", headers=moderator)
    assert done.status_code == 200
    wait_until(  # a write that changes nothing when repeated: marking a message read
        lambda: socket.emit("markMessageRead", mark, callback=True).get("code") == "SUSPENDED",
        timeout=2.0,
    )
    assert time.monotonic() - started < 1.0 + 0.5  # the refresh is 0.5 s; slack for a busy box
    assert socket.emit("sendMessage", body, callback=True)["code"] == "SUSPENDED"
    refused = http.post("/messages", json=body, headers=bearer("bob", SECRET))
    assert refused.status_code == 403 and refused.get_json()["code"] == "SUSPENDED"
    read = socket.emit("getMessages", {"conversationId": cid}, callback=True)
    assert read["success"] is not False
    assert (
        http.get(f"/messages?conversationId={cid}", headers=bearer("bob", SECRET)).status_code
        == 200
    )
    first.test_client().delete("/moderation/users/bob/suspension", headers=moderator)
    wait_until(
        lambda: socket.emit("markMessageRead", mark, callback=True).get("code") != "SUSPENDED",
        timeout=2.0,
    )
    assert socket.emit("sendMessage", body, callback=True)["success"]
    socket.disconnect()


def test_the_copy_is_read_again_only_after_the_refresh_interval() -> None:
    now = [100.0]
    client = fakeredis.FakeRedis()
    here = RedisSuspensions(client, prefix="unit-refresh:", refresh=0.5, clock=lambda: now[0])
    there = RedisSuspensions(client, prefix="unit-refresh:", refresh=0.5, clock=lambda: now[0])
    assert not there.is_suspended("bob")  # reads the (empty) set
    here.suspend("bob")
    assert here.is_suspended("bob")  # the suspending process knows at once
    assert not there.is_suspended("bob")  # the other one's copy is still fresh
    now[0] += 0.5
    assert there.is_suspended("bob")
    here.lift("bob")
    now[0] += 0.5
    assert not there.is_suspended("bob") and here.suspended() == []
