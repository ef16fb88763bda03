"""One command surface: the same bad input through HTTP and through Socket.IO gets the same
code (same schema, aliases, limits and rate limit), and a refused command leaves nothing.

The real `create_app` on in-memory stores and fakeredis; Flask's test client and
Flask-SocketIO's test client side by side on the same app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import fakeredis
import pytest
from flask import Flask

from services.chat_file.app import create_app
from services.chat_file.application.realtime import SendRateLimiter
from services.chat_file.domain.identity import Identity
from services.chat_file.settings import Settings
from tests.fake_stores import fake_chat_stores
from tests.support.clock import PausableClock
from tests.support.tokens import bearer, mint
from tests.unit.chat_file.fakes import FakeProfileSource, RecordingNotifier, profile

SECRET = "parity-secret-0123456789abcdef-0123456789abcdef"
USERS = {u: profile(u, u.capitalize(), "Test") for u in ("alice", "bob", "carol")}
NOWHERE = "0" * 24

# command → (HTTP method, path, socket event); `{id}` is the target id, which the socket event
# carries in its payload under `ref`; markMessageRead says its status by its name.
ROUTES: dict[str, tuple[str, str, str, str | None]] = {
    "send": ("POST", "/messages", "sendMessage", None),
    "edit": ("PUT", "/messages/{id}", "editMessage", "messageId"),
    "delete": ("DELETE", "/messages/{id}", "deleteMessage", "messageId"),
    "read": ("PUT", "/messages/{id}/status", "markMessageRead", "messageId"),
    "group": ("POST", "/groups", "createGroup", None),
    "broadcast": ("POST", "/broadcasts", "createBroadcast", None),
    "leave": ("POST", "/conversations/{id}/leave", "leaveConversationPermanent", "conversationId"),
}


@pytest.fixture
def clock() -> PausableClock:
    return PausableClock()


@pytest.fixture
def app(clock: PausableClock) -> Flask:
    env = {"APP_ENV": "test", "JWT_SECRET": SECRET, "CHAT_ASYNC_MODE": "threading"}
    return create_app(
        Settings.from_env({**env, "SOCKET_SEND_RATE": "2"}),
        stores=fake_chat_stores(),
        redis=fakeredis.FakeRedis(),
        auth_client=FakeProfileSource(USERS),
        notifier=RecordingNotifier(),
        send_limiter=SendRateLimiter(rate=2, burst=4, clock=clock),  # SOCKET_SEND_RATE=2
    )


@pytest.fixture
def world(app: Flask) -> dict[str, str]:
    """A private conversation of alice and bob, one message of each."""
    http = app.test_client()
    created = http.post("/conversations", json={"participantId": "bob"}, headers=auth("alice"))
    cid = created.get_json()["data"]["id"]
    own = send_as(app, "alice", cid)
    theirs = send_as(app, "bob", cid)
    return {"cid": cid, "own": own, "theirs": theirs}


@pytest.fixture
def socket(app: Flask) -> Iterator[Any]:
    client = app.extensions["socketio"].test_client(app, auth={"token": mint("alice", SECRET)})
    yield client
    client.disconnect()


def auth(user: str) -> dict[str, str]:
    return bearer(user, SECRET)


def send_as(app: Flask, user: str, cid: str) -> str:
    """Through the use case itself: the send rate of each transport stays untouched."""
    messages = app.extensions["chat"].messages
    view, _ = messages.send(Identity(user, None), conversation_id=cid, content="salut")
    return str(view["id"])


def over_http(app: Flask, command: str, target: str, body: dict[str, Any]) -> tuple[int, str]:
    method, path, _, _ = ROUTES[command]
    if command == "read":
        body = {**body, "status": "READ"}
    reply = app.test_client().open(
        path.format(id=target), method=method, json=body, headers=auth("alice")
    )
    answer = reply.get_json()
    return reply.status_code, answer.get("code", "") if not answer["success"] else ""


def over_socket(socket: Any, command: str, target: str, body: dict[str, Any]) -> str:
    _, _, event, ref = ROUTES[command]
    payload = {**body, ref: target} if ref else body
    ack = socket.emit(event, payload, callback=True)
    return "" if ack["success"] else str(ack["code"])


Case = tuple[str, str, dict[str, Any], str]
CASES: list[Case] = [
    ("send", "", {"conversationId": "nope", "content": "x"}, "INVALID_ID"),
    ("send", "", {"content": "x"}, "INVALID_ID"),
    ("send", "", {"conversationId": 123, "content": "x"}, "VALIDATION_ERROR"),
    ("send", "", {"conversationId": NOWHERE, "content": "x"}, "CONVERSATION_NOT_FOUND"),
    ("send", "", {"conversationId": "{cid}", "content": "   "}, "EMPTY_CONTENT"),
    ("send", "", {"conversationId": "{cid}", "content": "x" * 10_001}, "CONTENT_TOO_LONG"),
    ("send", "", {"conversationId": "{cid}", "content": "x", "type": "BOGUS"},
     "INVALID_MESSAGE_TYPE"),
    ("send", "", {"conversationId": "{cid}", "content": "x", "replyTo": "bad"}, "INVALID_ID"),
    ("send", "", {"conversationId": "{cid}", "content": "x", "replyTo": NOWHERE},
     "MESSAGE_NOT_FOUND"),
    ("send", "", {"conversationId": "{cid}", "type": "IMAGE", "fileId": NOWHERE},
     "FILE_NOT_FOUND"),
    ("send", "", {"receiverId": "alice", "content": "x"}, "SELF_CONVERSATION"),
    ("send", "", {"conversationId": "{cid}", "temporaryId": ""}, "VALIDATION_ERROR"),
    ("edit", "bad", {"content": "x"}, "INVALID_ID"),
    ("edit", "{theirs}", {"content": "x"}, "NOT_MESSAGE_AUTHOR"),
    ("edit", "{own}", {}, "VALIDATION_ERROR"),
    ("edit", "{own}", {"newContent": "  "}, "EMPTY_CONTENT"),
    ("edit", "{own}", {"content": "x" * 10_001}, "CONTENT_TOO_LONG"),
    ("edit", "{own}", {"content": "x", "mentions": "bob"}, "VALIDATION_ERROR"),
    ("edit", "{own}", {"content": "x", "mentions": [""]}, "VALIDATION_ERROR"),
    ("delete", "{own}", {"deleteType": "sometimes"}, "INVALID_QUERY"),
    ("delete", "{theirs}", {"scope": "forEveryone"}, "NOT_MESSAGE_AUTHOR"),
    ("delete", NOWHERE, {}, "MESSAGE_NOT_FOUND"),
    ("read", "bad", {}, "INVALID_ID"),
    ("read", "{own}", {}, "INVALID_STATUS"),
    ("group", "", {"members": ["bob"]}, "INVALID_NAME"),
    ("group", "", {"name": "G", "members": []}, "MEMBERS_REQUIRED"),
    ("group", "", {"name": "G", "members": [5]}, "VALIDATION_ERROR"),
    ("broadcast", "", {"name": "B", "recipients": ["pas un id!"]}, "INVALID_ID"),
    ("leave", "{cid}", {}, "NOT_A_GROUP"),
    ("leave", "bad", {}, "INVALID_ID"),
]  # fmt: skip


def fill(value: Any, world: dict[str, str]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return world[value[1:-1]]
    return value


@pytest.mark.parametrize(("command", "target", "body", "code"), CASES)
def test_the_same_bad_input_gets_the_same_code_over_http_and_socket(
    app: Flask,
    world: dict[str, str],
    socket: Any,
    command: str,
    target: str,
    body: dict[str, Any],
    code: str,
) -> None:
    target = fill(target, world)
    body = {k: fill(v, world) for k, v in body.items()}
    status, http_code = over_http(app, command, target, body)
    assert (http_code, over_socket(socket, command, target, body)) == (code, code)
    assert 400 <= status < 500


@pytest.mark.parametrize("transport", ["http", "socket"])
def test_the_send_rate_is_the_same_on_both_transports(
    app: Flask, world: dict[str, str], socket: Any, transport: str, clock: PausableClock
) -> None:
    clock.advance(10)  # a full bucket (the world's sends spent some), then no refill at all
    body = {"conversationId": world["cid"], "content": "encore"}
    send: Callable[[], str] = (
        (lambda: over_http(app, "send", "", body)[1])
        if transport == "http"
        else (lambda: over_socket(socket, "send", "", body))
    )
    answers = [send() for _ in range(6)]  # SOCKET_SEND_RATE 2: bursts of 4
    assert answers == [""] * 4 + ["RATE_LIMITED"] * 2


@pytest.mark.parametrize(
    ("body", "mentioned"),
    [
        ({"content": "salut @MAT-bob"}, ["bob"]),
        ({"newContent": "salut", "mentions": ["bob", "carol", "alice"]}, ["bob"]),
    ],
)
def test_an_edit_resolves_the_same_mentions_over_http_and_socket(
    app: Flask, world: dict[str, str], socket: Any, body: dict[str, Any], mentioned: list[str]
) -> None:
    """The same command: the same schema (`mentions` accepted on both) and the same answer."""
    http = app.test_client().put(f"/messages/{world['own']}", json=body, headers=auth("alice"))
    over_http_mentions = http.get_json()["data"]["mentions"]
    ack = socket.emit("editMessage", {**body, "messageId": world["own"]}, callback=True)
    assert (over_http_mentions, ack["message"]["mentions"]) == (mentioned, mentioned)
