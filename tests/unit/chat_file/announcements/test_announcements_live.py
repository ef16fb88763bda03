"""`announcement:new` through Flask-SocketIO's test client: sockets join their org unit rooms
at connect (from the cached profile), so a unit's members get an announcement live; others do
not."""

from __future__ import annotations

from typing import Any

import fakeredis
from flask import Flask

from libs.usercache import CachedUser
from services.chat_file.app import create_app
from services.chat_file.settings import Settings
from tests.fake_stores import fake_chat_stores
from tests.support.tokens import mint

from ..fakes import FakeProfileCache, FakeProfileSource, profile

SECRET = "unit-announce-secret-0123456789abcdef-0123456789"
USERS = {u: profile(u) for u in ("boss", "bob", "carol")}


def app_with_units() -> Flask:
    cache = FakeProfileCache()
    cache.data["bob"] = CachedUser("bob", "Bob", "M1", ministere="Finances", direction="Budget")
    cache.data["carol"] = CachedUser("carol", "Carol", "M2", ministere="Santé")
    env = {"APP_ENV": "test", "JWT_SECRET": SECRET, "CHAT_ASYNC_MODE": "threading"}
    return create_app(
        Settings.from_env({**env, "REDIS_KEY_PREFIX": "unit-announce:"}),
        stores=fake_chat_stores(),
        redis=fakeredis.FakeRedis(),
        cache=cache,
        auth_client=FakeProfileSource(USERS),
    )


def announcements(client: Any) -> list[dict[str, Any]]:
    return [e["args"][0] for e in client.get_received() if e["name"] == "announcement:new"]


def test_unit_members_get_the_announcement_live_and_others_do_not() -> None:
    app = app_with_units()
    socketio = app.extensions["socketio"]
    bob = socketio.test_client(app, auth={"token": mint("bob", SECRET)})
    carol = socketio.test_client(app, auth={"token": mint("carol", SECRET)})
    assert bob.is_connected() and carol.is_connected()
    http = app.test_client()
    admin = {"Authorization": f"Bearer {mint('boss', SECRET, role='admin')}"}
    made = http.post(
        "/announcements/broadcasts",
        json={"title": "T", "units": [{"ministere": "FINANCES"}]},
        headers=admin,
    )
    bid = made.get_json()["data"]["id"]
    body = {"content": "Réunion", "priority": "important"}
    sent = http.post(f"/announcements/broadcasts/{bid}/messages", json=body, headers=admin)
    assert sent.status_code == 201, sent.get_json()
    [live] = announcements(bob)
    assert live["id"] == sent.get_json()["data"]["id"] and live["priority"] == "important"
    assert announcements(carol) == []
    bob.disconnect()
    carol.disconnect()
