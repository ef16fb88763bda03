"""Socket events through Flask-SocketIO's test client (threading mode, fakeredis, fake auth_user).

The app is the real `create_app`; only the I/O edges are fakes passed to `build`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import fakeredis
import pytest
from flask import Flask

from services.chat_file.app import create_app
from services.chat_file.conversations.domain.model import Circle
from services.chat_file.kernel.rate import SendRateLimiter
from services.chat_file.settings import Settings
from tests.fake_stores import fake_chat_stores
from tests.support.clock import PausableClock
from tests.support.tokens import mint

from ..fakes import FakeProfileSource, RecordingNotifier, profile
from .fakes import FakeScheduler

SECRET = "unit-realtime-secret-0123456789abcdef-0123456789"


USERS = {u: profile(u, u.capitalize(), "Test") for u in ("alice", "bob", "carol", "mallory")}


def settings(**env: str) -> Settings:
    base = {
        "APP_ENV": "test",
        "JWT_SECRET": SECRET,
        "CHAT_ASYNC_MODE": "threading",
        "REDIS_KEY_PREFIX": "unit:",
        "SOCKET_SEND_RATE": "5",
        "TYPING_TIMEOUT": "10",
    }
    return Settings.from_env({**base, **env})


def token(user_id: str, kind: str = "access", ttl: int = 900) -> str:
    return mint(user_id, SECRET, kind=kind, ttl=ttl)


@pytest.fixture
def clock() -> PausableClock:
    return PausableClock()


@pytest.fixture
def app(clock: PausableClock) -> Flask:
    return create_app(
        settings(),
        stores=fake_chat_stores(),
        redis=fakeredis.FakeRedis(),
        auth_client=FakeProfileSource(USERS),
        send_limiter=SendRateLimiter(rate=5, burst=10, clock=clock),  # SOCKET_SEND_RATE=5
    )


Client = Any


@pytest.fixture
def connect(app: Flask) -> Iterator[Callable[..., Client]]:
    socketio = app.extensions["socketio"]
    opened: list[Client] = []

    def open_client(user: str | None = None, **kwargs: Any) -> Client:
        auth = {"token": token(user)} if user else None
        client = socketio.test_client(app, auth=auth, **kwargs)
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        if client.is_connected():
            client.disconnect()


def events(client: Client, name: str | None = None) -> list[Any]:
    received = client.get_received()
    return [e["args"][0] if name else e["name"] for e in received if name in (None, e["name"])]


def call(client: Client, event: str, data: Any = None) -> Any:
    return client.emit(event, data, callback=True)


def send(client: Client, **body: Any) -> dict[str, Any]:
    ack = call(client, "sendMessage", {"content": "Bonjour", "type": "TEXT", **body})
    assert ack["success"], ack
    return dict(ack)


def test_a_bad_token_is_refused_at_connect(connect: Callable[..., Client], app: Flask) -> None:
    socketio = app.extensions["socketio"]
    assert not socketio.test_client(app, auth={"token": "garbage"}).is_connected()
    refresh = socketio.test_client(app, auth={"token": token("u1", kind="refresh")})
    assert not refresh.is_connected()
    assert not socketio.test_client(app, auth={"token": token("u1", ttl=-10)}).is_connected()


def test_the_access_token_cookie_authenticates(app: Flask) -> None:
    socketio = app.extensions["socketio"]
    http = app.test_client()
    http.set_cookie("accessToken", token("alice"))
    client = socketio.test_client(app, flask_test_client=http)
    assert call(client, "getConversations", {})["success"]


def test_without_token_only_public_events_work_until_authenticate(
    connect: Callable[..., Client],
) -> None:
    client = connect(None)
    assert call(client, "ping")["success"]
    assert call(client, "typing", {"conversationId": "0" * 24})["code"] == "MISSING_TOKEN"
    assert call(client, "authenticate", {"userId": "alice"})["code"] == "MISSING_TOKEN"
    answer = call(client, "authenticate", {"token": token("alice")})
    assert answer["success"] and answer["userId"] == "alice"
    assert answer["prenom"] == "Alice" and answer["matricule"] == "MAT-alice"
    assert call(client, "getConversations", {})["success"]
    names = events(client)
    assert "auth_error" in names and "authenticated" in names


def test_authenticate_cannot_switch_user(connect: Callable[..., Client]) -> None:
    client = connect("alice")
    assert call(client, "authenticate", {"token": token("bob")})["code"] == "ALREADY_AUTHENTICATED"


def test_send_acks_replies_and_reaches_all_devices(connect: Callable[..., Client]) -> None:
    phone, laptop, bob = connect("alice"), connect("alice"), connect("bob")
    ack = send(phone, receiverId="bob", temporaryId="t-1")
    assert ack["temporaryId"] == "t-1" and ack["result"]["senderId"] == "alice"
    assert events(phone) == ["newMessage", "message_sent"]
    assert [m["messageId"] for m in events(laptop, "newMessage")] == [ack["messageId"]]
    assert events(bob, "newMessage")[0]["senderName"] == "Alice Test"


def test_invalid_payloads_get_codes_not_crashes(connect: Callable[..., Client]) -> None:
    client = connect("alice")
    assert call(client, "sendMessage", "not an object")["code"] == "INVALID_JSON"
    assert call(client, "sendMessage", {"content": "x"})["code"] == "INVALID_ID"
    assert call(client, "typing", {})["code"] == "VALIDATION_ERROR"
    assert call(client, "getMessages", {"conversationId": "nope"})["code"] == "INVALID_ID"
    error_events = events(client, "message_error")
    assert [e["code"] for e in error_events] == ["INVALID_JSON", "INVALID_ID"]


def test_non_participants_get_not_found_everywhere(connect: Callable[..., Client]) -> None:
    alice, mallory = connect("alice"), connect("mallory")
    conversation_id = send(alice, receiverId="bob")["result"]["conversationId"]
    ref = {"conversationId": conversation_id}
    for event in ("typing", "joinConversation", "getMessages", "sendMessage"):
        answer = call(mallory, event, {**ref, "content": "x"})
        assert answer["code"] == "CONVERSATION_NOT_FOUND", event
    message_id = events(alice, "newMessage")[0]["messageId"]
    for event in ("markMessageRead", "editMessage", "deleteMessage"):
        answer = call(mallory, event, {"messageId": message_id, "newContent": "x"})
        assert answer["code"] == "MESSAGE_NOT_FOUND", event
    assert "newMessage" not in events(mallory)


def test_sends_beyond_the_socket_rate_are_rate_limited(
    connect: Callable[..., Client], clock: PausableClock
) -> None:
    client = connect("alice")
    clock.pause()  # no refill between the sends, however slow the machine
    conversation_id = send(client, receiverId="bob")["result"]["conversationId"]
    answers = [
        call(client, "sendMessage", {"conversationId": conversation_id, "content": f"m{n}"})
        for n in range(12)
    ]
    assert [a.get("code") for a in answers] == [None] * 9 + ["RATE_LIMITED"] * 3  # burst of 10
    clock.advance(1.0)  # tokens back at 5 a second
    again = call(client, "sendMessage", {"conversationId": conversation_id, "content": "later"})
    assert again["success"], again
    other = connect("alice")  # the limit is per socket
    assert call(other, "sendMessage", {"conversationId": conversation_id, "content": "ok"})[
        "success"
    ]


def test_receipts_edit_delete_and_history(connect: Callable[..., Client]) -> None:
    alice, bob = connect("alice"), connect("bob")
    ack = send(alice, receiverId="bob", content="v1")
    ref = {"messageId": ack["messageId"]}
    assert call(bob, "markMessageRead", ref)["status"] == "READ"
    assert {"messageStatusChanged", "message:status"} <= set(events(alice))
    assert call(alice, "editMessage", {**ref, "newContent": "v2"})["message"]["content"] == "v2"
    assert events(bob, "message:edited")[0]["content"] == "v2"
    history = call(bob, "getMessages", {"conversationId": ack["result"]["conversationId"]})
    assert [m["content"] for m in history["messages"]] == ["v2"]
    assert call(alice, "deleteMessage", {**ref, "deleteType": "forEveryone"})["scope"] == (
        "everyone"
    )
    assert events(bob, "message:deleted")[0]["messageId"] == ack["messageId"]


def test_group_and_broadcast_creation(connect: Callable[..., Client]) -> None:
    alice, bob = connect("alice"), connect("bob")
    group = call(alice, "createGroup", {"name": "Équipe", "members": ["bob", "carol"]})
    assert group["success"] and group["conversation"]["participantIds"] == ["alice", "bob", "carol"]
    assert "group:created" in events(alice)
    assert events(bob, "conversation:created")[0]["id"] == group["conversation"]["id"]
    broadcast = call(alice, "createBroadcast", {"name": "Annonces", "recipients": ["bob"]})
    assert broadcast["success"] and "broadcast:created" in events(alice)
    answer = call(
        bob, "sendMessage", {"conversationId": broadcast["conversation"]["id"], "content": "x"}
    )
    assert answer["code"] == "BROADCAST_READ_ONLY"
    assert call(alice, "createGroup", {"name": "", "members": ["bob"]})["code"] == "INVALID_NAME"


def test_typing_and_explicit_stop_reach_the_other_participants(
    connect: Callable[..., Client],
) -> None:
    alice, bob = connect("alice"), connect("bob")
    conversation_id = send(alice, receiverId="bob")["result"]["conversationId"]
    events(bob), events(alice)
    call(alice, "typing", {"conversationId": conversation_id})
    call(alice, "typing", {"conversationId": conversation_id})
    call(alice, "stopTyping", {"conversationId": conversation_id})
    heard = events(bob)
    assert [e for e in heard if e in {"userTyping", "userStoppedTyping"}] == [
        "userTyping",
        "userStoppedTyping",
    ]
    assert heard.count("typing:indicator") == 2 and heard.count("typing") == 2  # start, stop
    assert events(alice) == []  # the typing socket does not hear itself


def test_presence_reaches_contacts_on_first_and_last_device(connect: Callable[..., Client]) -> None:
    setup = connect("alice")
    send(setup, receiverId="bob")
    setup.disconnect()
    bob = connect("bob")
    send(bob, receiverId="alice")  # contacts once both have written (issue 23 row 15)
    events(bob)
    phone = connect("alice")
    laptop = connect("alice")
    assert [e["userId"] for e in events(bob, "user_online")] == ["alice"]
    phone.disconnect()
    assert events(bob, "user_offline") == []
    laptop.disconnect()
    assert [e["userId"] for e in events(bob, "user_offline")] == ["alice"]


def test_http_write_emits_the_same_socket_event(app: Flask, connect: Callable[..., Client]) -> None:
    bob = connect("bob")
    response = app.test_client().post(
        "/messages",
        json={"receiverId": "bob", "content": "par HTTP"},
        headers={"Authorization": f"Bearer {token('alice')}"},
    )
    assert response.status_code == 201
    assert events(bob, "newMessage")[0]["content"] == "par HTTP"


def test_reconnected_user_rejoins_every_conversation(connect: Callable[..., Client]) -> None:
    alice = connect("alice")
    first = send(alice, receiverId="bob")["result"]["conversationId"]
    second = send(alice, receiverId="carol")["result"]["conversationId"]
    bob = connect(None)
    assert call(bob, "authenticate", {"token": token("bob")})["autoJoinedConversations"] == [first]
    answer = call(connect(None), "authenticate", {"token": token("alice")})
    assert sorted(answer["autoJoinedConversations"]) == sorted([first, second])


def test_an_anonymous_socket_is_dropped_when_it_does_not_authenticate_in_time(
    app: Flask, connect: Callable[..., Client]
) -> None:
    hub = app.extensions["realtime"]
    hub.scheduler = scheduler = FakeScheduler()
    idle, late = connect(None), connect(None)
    assert call(late, "authenticate", {"token": token("alice")})["success"]
    scheduler.advance(29)
    assert idle.is_connected()
    scheduler.advance(2)
    assert not idle.is_connected()
    assert late.is_connected()


def test_metrics_count_authenticated_sockets(app: Flask, connect: Callable[..., Client]) -> None:
    connect("alice"), connect("bob"), connect(None)
    body = app.test_client().get("/metrics").get_data(as_text=True)
    assert "chat_socket_connections 2.0" in body


def test_the_sender_is_the_socket_user_never_the_payload(connect: Callable[..., Client]) -> None:
    alice, bob = connect("alice"), connect("bob")
    ack = send(alice, receiverId="bob", senderId="mallory", userId="mallory")
    assert ack["result"]["senderId"] == "alice"
    assert events(bob, "newMessage")[0]["senderId"] == "alice"


def test_a_store_failure_at_connect_refuses_the_socket_cleanly(app: Flask) -> None:
    def broken(_user_id: str) -> Circle:
        raise RuntimeError("mongo is down")

    app.extensions["chat"].adapters.stores.conversations.circle_of = broken
    client = app.extensions["socketio"].test_client(app, auth={"token": token("alice")})
    assert not client.is_connected()
    assert len(app.extensions["realtime"].sessions) == 0


def test_a_notifier_passed_to_build_is_kept_and_used_by_socket_writes() -> None:
    recorder = RecordingNotifier()
    app = create_app(
        settings(),
        stores=fake_chat_stores(),
        redis=fakeredis.FakeRedis(),
        auth_client=FakeProfileSource(USERS),
        notifier=recorder,
    )
    client = app.extensions["socketio"].test_client(app, auth={"token": token("alice")})
    send(client, receiverId="bob")
    assert app.extensions["chat"].adapters.notifier is recorder
    assert recorder.names() == ["newMessage"]


def test_get_online_users_reports_online_contacts_only(connect: Callable[..., Client]) -> None:
    alice = connect("alice")
    send(alice, receiverId="bob")
    send(alice, receiverId="carol")
    send(connect("bob"), receiverId="alice")  # bob answers; carol never does (row 15)
    connect("mallory")  # online, but shares no conversation with alice
    ack = call(alice, "getOnlineUsers", {})
    assert ack["success"] and ack["online"] == ["bob"]
    assert [(u["userId"], u["status"]) for u in ack["contacts"]] == [("bob", "online")]
    assert [u["userId"] for u in ack["users"]] == ["bob"]  # online and idle only
    asked = call(alice, "getOnlineUsers", {"userIds": ["bob", "carol", "mallory"]})
    assert asked["online"] == ["bob"]
    assert events(alice, "onlineUsers")[-1]["online"] == ["bob"]
    refused = call(alice, "getOnlineUsers", {"userIds": "bob"})
    assert (refused["success"], refused["code"]) == (False, "VALIDATION_ERROR")
