"""Socket.IO contract against a real chat_file process, in both async modes (gevent, eventlet).

gevent: gunicorn with one gevent worker (wsgi/chat_file.py); eventlet: eventlet's own server
(`python -m services.chat_file.serve`). python-socketio clients, tokens minted with PyJWT for
arbitrary user ids (auth_user is not running: names fall back to "Utilisateur inconnu").
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator

import pytest
import socketio

from tests.support.servers import ServiceProcess
from tests.support.waiting import wait_until

from .realtime_support import (
    ASYNC_MODES,
    Probe,
    chat_servers,
    new_user,
    post_message,
    probes,
    token_for,
)

pytestmark = pytest.mark.e2e

Connect = Callable[..., Probe]


@pytest.fixture(scope="module", params=ASYNC_MODES)
def server(request: pytest.FixtureRequest, redis_url: str) -> Iterator[ServiceProcess]:
    with chat_servers(redis_url, request.param) as (process,):
        yield process


@pytest.fixture
def connect(server: ServiceProcess) -> Iterator[Connect]:
    with probes(server.url) as opener:
        yield opener


def send(probe: Probe, **message: object) -> dict:
    body = {"content": "Bonjour", "type": "TEXT", "temporaryId": uuid.uuid4().hex, **message}
    ack = probe.call("sendMessage", body)
    assert ack["success"], ack
    return ack


def conversation_of(ack: dict) -> str:
    return str(ack["result"]["conversationId"])


# --- authentication -------------------------------------------------------------------------


def test_handshake_token_joins_the_user_and_answers_events(connect: Connect) -> None:
    probe = connect(token_for(new_user()))
    assert probe.call("ping")["success"]
    probe.wait("pong")
    assert probe.call("heartbeat")["success"]
    probe.wait("heartbeat_ack")
    loaded = probe.call("getConversations", {"page": 1, "limit": 20})
    assert loaded["success"] and loaded["conversations"] == []
    probe.wait("conversationsLoaded")


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (lambda: "not-a-jwt", "INVALID_TOKEN"),
        (lambda: token_for(new_user(), kind="refresh"), "INVALID_TOKEN"),
        (lambda: token_for(new_user(), ttl=-60), "TOKEN_EXPIRED"),
    ],
    ids=["garbage", "refresh-token", "expired"],
)
def test_bad_token_is_refused_at_connect_with_a_code(
    server: ServiceProcess, token: Callable[[], str], code: str
) -> None:
    probe = Probe(server.url)
    with pytest.raises(socketio.exceptions.ConnectionError):
        probe.connect(token())
    assert probe.connect_error["code"] == code
    assert probe.connect_error["message"]


def test_without_token_only_authenticate_works_then_everything_does(connect: Connect) -> None:
    user = new_user()
    probe = connect(None)
    refused = probe.call("getConversations", {})
    assert refused == {
        "success": False,
        "code": "MISSING_TOKEN",
        "message": refused["message"],
    }
    answer = probe.call("authenticate", {"token": token_for(user)})
    assert answer["success"] and answer["userId"] == user
    assert answer["autoJoinedConversations"] == []
    assert probe.wait("authenticated")["userId"] == user
    assert probe.call("getConversations", {})["success"]


def test_authenticate_without_a_valid_token_gets_auth_error(connect: Connect) -> None:
    probe = connect(None)
    missing = probe.call("authenticate", {"userId": new_user()})
    assert missing["code"] == "MISSING_TOKEN"
    assert probe.wait("auth_error")["code"] == "MISSING_TOKEN"
    bad = probe.call("authenticate", {"token": token_for(new_user(), kind="refresh")})
    assert bad["code"] == "INVALID_TOKEN"
    assert probe.call("getMessages", {"conversationId": "0" * 24})["code"] == "MISSING_TOKEN"


def test_access_token_cookie_authenticates_the_socket(server: ServiceProcess) -> None:
    user = new_user()
    client = socketio.Client(reconnection=False)
    client.connect(
        server.url,
        headers={"Cookie": f"accessToken={token_for(user)}"},
        transports=["websocket"],
        wait_timeout=5,
    )
    try:
        assert client.call("getConversations", {}, timeout=5)["success"]
    finally:
        client.disconnect()


@pytest.mark.parametrize(("origin", "accepted"), [("self", True), ("http://evil.example", False)])
def test_browser_sockets_are_accepted_from_the_service_origin_only(
    server: ServiceProcess, origin: str, accepted: bool
) -> None:
    client = socketio.Client(reconnection=False)
    headers = {
        "Cookie": f"accessToken={token_for(new_user())}",
        "Origin": server.url if origin == "self" else origin,
    }
    try:
        # long-polling: the websocket client library would add an Origin header of its own
        client.connect(server.url, headers=headers, transports=["polling"], wait_timeout=5)
    except socketio.exceptions.ConnectionError:
        assert not accepted
    else:
        assert accepted
    finally:
        client.disconnect()


# --- messages -------------------------------------------------------------------------------


def test_message_reaches_every_device_of_every_participant(connect: Connect) -> None:
    alice, bob = new_user(), new_user()
    phone, laptop = connect(token_for(alice)), connect(token_for(alice))
    bob_phone = connect(token_for(bob))
    ack = send(phone, receiverId=bob, content="Salut Bob", temporaryId="tmp-1")
    assert ack["temporaryId"] == "tmp-1" and ack["messageId"]
    sent = phone.wait("message_sent")
    assert sent["messageId"] == ack["messageId"]
    for device in (bob_phone, laptop, phone):
        event = device.wait("newMessage", lambda m: m["messageId"] == ack["messageId"])
        assert event["senderId"] == alice
        assert event["content"] == "Salut Bob"
        assert event["conversationId"] == conversation_of(ack)
        assert event["temporaryId"] == "tmp-1"
        assert {"senderName", "senderAvatar", "type", "status", "timestamp"} <= set(event)


def test_invalid_send_gets_message_error_with_the_http_code(connect: Connect) -> None:
    probe = connect(token_for(new_user()))
    answer = probe.call("sendMessage", {"receiverId": new_user(), "content": "   "})
    assert answer["success"] is False and answer["code"] == "EMPTY_CONTENT"
    assert probe.wait("message_error")["code"] == "EMPTY_CONTENT"


def test_receipts_reach_the_conversation_and_the_sender(connect: Connect) -> None:
    alice, bob = new_user(), new_user()
    a, b = connect(token_for(alice)), connect(token_for(bob))
    ack = send(a, receiverId=bob)
    ref = {"messageId": ack["messageId"], "conversationId": conversation_of(ack)}
    assert b.call("markMessageDelivered", ref)["success"]
    changed = a.wait("messageStatusChanged", lambda e: e["status"] == "DELIVERED")
    assert changed["messageId"] == ack["messageId"] and changed["userId"] == bob
    assert b.call("markMessageRead", ref)["success"]
    a.wait("messageStatusChanged", lambda e: e["status"] == "READ")
    status = a.wait("message:status", lambda e: e["status"] == "READ")
    assert status["messageId"] == ack["messageId"]


def test_edit_and_delete_reach_the_other_participants(connect: Connect) -> None:
    alice, bob = new_user(), new_user()
    a, b = connect(token_for(alice)), connect(token_for(bob))
    ack = send(a, receiverId=bob, content="premier jet")
    edited = a.call("editMessage", {"messageId": ack["messageId"], "newContent": "corrigé"})
    assert edited["success"], edited
    assert b.wait("message:edited")["content"] == "corrigé"
    assert b.call("editMessage", {"messageId": ack["messageId"], "newContent": "x"})["code"] == (
        "NOT_MESSAGE_AUTHOR"
    )
    deleted = a.call("deleteMessage", {"messageId": ack["messageId"], "deleteType": "everyone"})
    assert deleted["success"], deleted
    assert b.wait("message:deleted")["messageId"] == ack["messageId"]


def test_http_send_emits_the_same_new_message_event(
    server: ServiceProcess, connect: Connect
) -> None:
    alice, bob = new_user(), new_user()
    b = connect(token_for(bob))
    post_message(server, alice, bob, "par HTTP")
    event = b.wait("newMessage", lambda m: m["content"] == "par HTTP")
    assert event["senderId"] == alice


def test_history_after_reconnect_holds_every_message_sent_while_offline(
    connect: Connect,
) -> None:
    alice, bob = new_user(), new_user()
    a, b = connect(token_for(alice)), connect(token_for(bob))
    conversation_id = conversation_of(send(a, receiverId=bob, content="m0"))
    last_seen = b.wait("newMessage")["messageId"]
    b.client.disconnect()  # offline (tunnel, airplane mode...)
    sent = [send(a, conversationId=conversation_id, content=f"m{n}") for n in range(1, 6)]
    b.client.connect(b.url, auth={"token": token_for(bob)}, transports=["websocket"])
    page = b.call(
        "getMessages",
        {"conversationId": conversation_id, "cursor": last_seen, "direction": "newer"},
    )
    assert [m["messageId"] for m in page["messages"]] == [s["messageId"] for s in reversed(sent)]
    assert [m["content"] for m in page["messages"]] == ["m5", "m4", "m3", "m2", "m1"]
    assert b.wait("messagesLoaded")["conversationId"] == conversation_id
    send(a, conversationId=conversation_id, content="m6")  # and live delivery resumes
    assert b.wait("newMessage", lambda m: m["content"] == "m6")["senderId"] == alice
    auth = b.call("authenticate", {"token": token_for(bob)})
    assert auth["autoJoinedConversations"] == [conversation_id]


SENDS = 200


def test_sends_beyond_the_per_socket_rate_are_refused_with_rate_limited(
    connect: Connect,
) -> None:
    a = connect(token_for(new_user()))
    conversation_id = conversation_of(send(a, receiverId=new_user()))
    # SOCKET_SEND_RATE=20 (bursts of 40). 200 sends at once: a server would have to take more
    # than 8 s over them, accepting under 20 a second, to refuse none; refusals cost it nothing.
    results: list[dict] = []
    started = time.monotonic()
    for n in range(SENDS):
        a.client.emit(
            "sendMessage",
            {"conversationId": conversation_id, "content": f"n{n}", "type": "TEXT"},
            callback=results.append,
        )
    wait_until(lambda: len(results) == SENDS, timeout=60)
    elapsed = time.monotonic() - started
    codes = [r.get("code") for r in results if not r["success"]]
    accepted = sum(r["success"] for r in results)
    assert codes and set(codes) == {"RATE_LIMITED"}, (accepted, elapsed)
    assert 39 <= accepted <= 40 + 20 * elapsed + 1, (accepted, elapsed)


# --- conversations, typing, membership ------------------------------------------------------


def test_typing_reaches_others_and_stops_by_itself(connect: Connect) -> None:
    alice, bob = new_user(), new_user()
    a, b = connect(token_for(alice)), connect(token_for(bob))
    conversation_id = conversation_of(send(a, receiverId=bob))
    assert a.call("typing", {"conversationId": conversation_id})["success"]
    typing = b.wait("userTyping")
    assert typing == {"userId": alice, "conversationId": conversation_id}
    started = time.monotonic()
    b.wait("userStoppedTyping", timeout=3)  # TYPING_TIMEOUT=1 in this environment
    assert time.monotonic() - started < 2.5
    a.call("typing", {"conversationId": conversation_id})
    b.wait("userTyping")
    before = len(b.seen)
    assert a.call("stopTyping", {"conversationId": conversation_id})["success"]
    # At once, not at the TYPING_TIMEOUT expiry: it reaches b before a message sent after it.
    marker = send(a, conversationId=conversation_id, content="après")
    b.wait("newMessage", lambda e: e["messageId"] == marker["messageId"])
    assert [e for e, _ in b.seen[before:] if e == "userStoppedTyping"], b.seen


def test_non_participant_gets_not_found_and_no_data(connect: Connect) -> None:
    alice, bob, mallory = new_user(), new_user(), new_user()
    a = connect(token_for(alice))
    connect(token_for(bob))
    conversation_id = conversation_of(send(a, receiverId=bob))
    m = connect(token_for(mallory))
    ref = {"conversationId": conversation_id}
    for event in ("typing", "joinConversation", "getMessages"):
        answer = m.call(event, ref)
        assert answer["success"] is False and answer["code"] == "CONVERSATION_NOT_FOUND", event
        assert m.wait("error", lambda e, ev=event: e["event"] == ev)["code"] == (
            "CONVERSATION_NOT_FOUND"
        )
    intruder = m.call("sendMessage", {**ref, "content": "coucou", "type": "TEXT"})
    assert intruder["code"] == "CONVERSATION_NOT_FOUND"
    send(a, conversationId=conversation_id, content="privé")
    marker = send(a, receiverId=mallory, content="pour Mallory")  # fanned out after "privé"
    m.quiet_until(
        "newMessage",
        lambda e: e["conversationId"] == conversation_id,
        "newMessage",
        lambda e: e["messageId"] == marker["messageId"],
    )
    assert not [e for e, d in m.seen if e == "userTyping"]


def test_group_creation_notifies_members_and_messages_reach_all(connect: Connect) -> None:
    alice, bob, carol = new_user(), new_user(), new_user()
    a, b, c = connect(token_for(alice)), connect(token_for(bob)), connect(token_for(carol))
    created = a.call("createGroup", {"name": "Équipe", "members": [bob, carol]})
    assert created["success"], created
    group = created["conversation"]
    assert group["participantIds"] == [alice, bob, carol]
    assert a.wait("group:created")["conversation"]["id"] == group["id"]
    for member in (b, c):
        assert member.wait("conversation:created")["id"] == group["id"]
    ack = send(a, conversationId=group["id"], content="Bienvenue")
    for member in (b, c):
        member.wait("newMessage", lambda m: m["messageId"] == ack["messageId"])
    assert b.call("typing", {"conversationId": group["id"]})["success"]
    a.wait("userTyping")
    c.wait("userTyping")


def test_broadcast_creation_and_read_only_recipients(connect: Connect) -> None:
    boss, staff = new_user(), new_user()
    a, s = connect(token_for(boss)), connect(token_for(staff))
    created = a.call("createBroadcast", {"name": "Annonces", "recipients": [staff]})
    assert created["success"], created
    broadcast_id = created["conversation"]["id"]
    a.wait("broadcast:created")
    s.wait("conversation:created")
    answer = s.call("sendMessage", {"conversationId": broadcast_id, "content": "x", "type": "TEXT"})
    assert answer["code"] == "BROADCAST_READ_ONLY"


# --- presence -------------------------------------------------------------------------------


def test_presence_follows_the_first_and_last_device(
    server: ServiceProcess, connect: Connect
) -> None:
    alice, bob, carol = new_user(), new_user(), new_user()
    # contacts: a private conversation where both have written (issue 23 row 15); no socket yet
    for friend in (alice, carol):  # carol's presence is the marker below
        post_message(server, friend, bob, "bonjour")
        post_message(server, bob, friend, "salut")
    watcher = connect(token_for(bob))
    phone = connect(token_for(alice))
    online = watcher.wait("user_online", lambda e: e["userId"] == alice)
    assert online["lastSeen"]
    laptop = connect(token_for(alice))
    marker = connect(token_for(carol))  # announced after anything alice's laptop caused
    watcher.quiet_until(
        "user_online",
        lambda e: e["userId"] == alice,
        "user_online",
        lambda e: e["userId"] == carol,
    )
    phone.close()
    marker.close()  # announced after alice's phone went away
    watcher.quiet_until(
        "user_offline",
        lambda e: e["userId"] == alice,
        "user_offline",
        lambda e: e["userId"] == carol,
    )
    laptop.close()
    offline = watcher.wait("user_offline", lambda e: e["userId"] == alice)
    assert offline["lastSeen"]


def test_presence_is_not_sent_to_strangers(server: ServiceProcess, connect: Connect) -> None:
    watched, friend, other = new_user(), new_user(), new_user()
    post_message(server, friend, watched, "bonjour")  # the friend's presence is the marker
    post_message(server, watched, friend, "salut")  # contacts once both have written
    stranger = connect(token_for(watched))
    someone = connect(token_for(other))  # shares nothing with the watched user
    someone.close()
    marker = connect(token_for(friend))
    marker.close()
    not_someone = lambda e: e["userId"] == other  # noqa: E731
    stranger.quiet_until("user_online", not_someone, "user_online", lambda e: e["userId"] == friend)
    stranger.quiet_until(
        "user_offline", not_someone, "user_offline", lambda e: e["userId"] == friend
    )
