"""What a socket client gets when a handler fails in an unexpected way.

An exception nobody coded: ack `INTERNAL_ERROR`, the same on the `error` event, the traceback
in the log, the socket still up and usable. Redis failing (`redis.RedisError`): ack
`SERVICE_UNAVAILABLE` (a retry may work, like HTTP's 503), one log line without a traceback.
The failure comes from a fake conversation store passed to `create_app` (no patching).
"""

from __future__ import annotations

import logging
from typing import Any

import fakeredis
import pytest
import redis
from flask import Flask

from services.chat_file.app import create_app
from tests.fake_stores import FakeConversationStore, fake_chat_stores

from ..chat_file.fakes import FakeProfileSource
from .test_socket_events import USERS, settings, token


class FailingConversationStore(FakeConversationStore):
    """Lists conversations until `failure` is set; then raises it."""

    failure: Exception | None = None

    def list_for(self, user_id: str, skip: int, limit: int) -> Any:
        if self.failure is not None:
            raise self.failure
        return super().list_for(user_id, skip, limit)


@pytest.fixture
def conversations() -> FailingConversationStore:
    return FailingConversationStore()


@pytest.fixture
def app(conversations: FailingConversationStore) -> Flask:
    return create_app(
        settings(),
        stores=fake_chat_stores(conversations),
        redis=fakeredis.FakeRedis(),
        auth_client=FakeProfileSource(USERS),
    )


def errors_received(client: Any) -> list[dict[str, Any]]:
    return [e["args"][0] for e in client.get_received() if e["name"] == "error"]


@pytest.mark.parametrize(
    ("failure", "code", "logged"),
    [
        (RuntimeError("a bug nobody coded for"), "INTERNAL_ERROR", "Traceback"),
        (redis.ConnectionError("Redis went away"), "SERVICE_UNAVAILABLE", "Redis went away"),
    ],
    ids=["unexpected-exception", "redis-error"],
)
def test_a_failing_handler_answers_a_code_and_the_socket_stays_up(
    app: Flask,
    conversations: FailingConversationStore,
    caplog: pytest.LogCaptureFixture,
    failure: Exception,
    code: str,
    logged: str,
) -> None:
    client = app.extensions["socketio"].test_client(app, auth={"token": token("alice")})
    assert client.emit("getConversations", {}, callback=True)["success"]  # control: it works
    client.get_received()
    conversations.failure = failure
    with caplog.at_level(logging.ERROR):
        ack = client.emit("getConversations", {}, callback=True)
    assert (ack["success"], ack["code"]) == (False, code)
    assert "a bug" not in ack["message"] and "Redis went away" not in ack["message"]
    assert [(e["code"], e["event"]) for e in errors_received(client)] == [
        (code, "getConversations")
    ]
    lines = [r for r in caplog.records if "getConversations" in r.getMessage()]
    assert lines, "the failure was not logged"
    text = caplog.text
    assert logged in text
    if code == "SERVICE_UNAVAILABLE":
        assert all(r.exc_info is None for r in lines)  # one line, no traceback for an outage
    else:
        assert any(r.exc_info is not None for r in lines)
    conversations.failure = None
    assert client.is_connected()
    assert client.emit("getConversations", {}, callback=True)["success"]  # still usable
    client.disconnect()
