"""The old web console's socket flows (issue 24): list shapes, named error events, unknown
events, online users, partial failures, presence names, the push after `authenticated`, receipt
confirmations. Flask-SocketIO's test client over the real `create_app` (fakes at the edges)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .test_socket_events import app, call, clock, connect, events, send, token

__all__ = ["app", "clock", "connect"]  # fixtures used by the tests below

Client = Any
CATEGORIES = {"groups", "private", "broadcasts", "unread"}


def group(client: Client, *members: str) -> str:
    made = call(client, "createGroup", {"name": "Équipe", "members": list(members)})
    assert made["success"], made
    return str(made["conversation"]["id"])


def test_conversation_lists_carry_the_old_pagination_stats_and_categories(
    connect: Callable[..., Client],
) -> None:
    alice, bob = connect("alice"), connect("bob")
    private = send(alice, receiverId="bob")["result"]["conversationId"]
    team = group(bob, "alice", "carol")
    call(bob, "sendMessage", {"conversationId": team, "content": "réunion"})
    events(alice)
    listed = call(alice, "getConversations", {"page": 1, "limit": 20})
    loaded = events(alice, "conversationsLoaded")[0]
    for answer in (listed, loaded):
        assert answer["pagination"]["currentPage"] == 1 and answer["pagination"]["hasNext"] is False
        assert answer["pagination"]["totalCount"] == 2 and answer["pagination"]["page"] == 1
        assert set(answer["categorized"]) == CATEGORIES
        assert [c["_id"] for c in answer["categorized"]["private"]] == [private]
        assert [c["_id"] for c in answer["categorized"]["groups"]] == [team]
        assert [c["id"] for c in answer["categorized"]["unread"]] == [team]
        assert answer["stats"] == {
            "total": 2,
            "groups": 1,
            "private": 1,
            "broadcasts": 0,
            "unread": 1,
            "totalUnreadMessages": 1,
            "unreadConversations": 1,
        }
    call(alice, "conversations:quickload", {"limit": 1})
    quick = events(alice, "conversations:quick")[0]
    assert quick["pagination"]["totalPages"] == 2 and quick["pagination"]["nextPage"] == 2
    assert quick["stats"]["total"] == 2 and set(quick["categorized"]) == CATEGORIES
    call(alice, "conversations:fullload", {"page": 2, "limit": 1})
    full = events(alice, "conversations:full")[0]
    assert full["pagination"]["previousPage"] == 1 and full["pagination"]["hasPrevious"]
    assert full["stats"]["total"] == 2 and len(full["conversations"]) == 1


def test_refusals_also_go_to_the_old_named_error_events(connect: Callable[..., Client]) -> None:
    alice, bob = connect("alice"), connect("bob")
    message_id = send(alice, receiverId="bob")["messageId"]
    events(bob)
    refusals = [
        ("editMessage", {"messageId": message_id, "newContent": "pas à moi"}, "message:error"),
        ("deleteMessage", {"messageId": message_id, "deleteType": "forEveryone"}, "message:error"),
        ("createGroup", {"name": "", "members": ["alice"]}, "group:error"),
        ("createBroadcast", {"name": "Annonces", "recipients": []}, "broadcast:error"),
    ]
    for event, data, error_event in refusals:
        ack = call(bob, event, data)
        assert ack["success"] is False, event
        emitted = events(bob, error_event)
        assert len(emitted) == 1, (event, emitted)
        assert emitted[0]["code"] == ack["code"] and emitted[0]["error"] == ack["message"]
        assert emitted[0]["message"] == ack["message"]
    assert call(alice, "editMessage", {"messageId": message_id, "newContent": "v2"})["success"]
    assert events(alice, "message:error") == []


def test_an_unknown_event_answers_unknown_event(connect: Callable[..., Client]) -> None:
    for client in (connect("alice"), connect(None)):  # authenticated or not: same answer
        ack = call(client, "getStress", {"count": 10})
        assert (ack["success"], ack["code"]) == (False, "UNKNOWN_EVENT")
        assert [(e["event"], e["code"]) for e in events(client, "error")] == [
            ("getStress", "UNKNOWN_EVENT")
        ]
        client.emit("noSuchEvent")  # without an ack: the error event still comes
        assert events(client, "error")[0]["event"] == "noSuchEvent"
        assert call(client, "ping")["success"]  # the socket stays up


def test_partial_failures_name_the_participant_and_the_error(
    connect: Callable[..., Client],
) -> None:
    alice = connect("alice")
    team = group(alice, "bob")
    added = call(
        alice, "addParticipant", {"conversationId": team, "participantId": ["carol", "bob"]}
    )
    assert added["success"] and added["participantIds"] == ["carol"]
    [failed] = added["failed"]
    assert (failed["participantId"], failed["userId"], failed["code"]) == (
        "bob",
        "bob",
        "ALREADY_PARTICIPANT",
    )
    assert failed["error"] == failed["message"] and failed["error"]
    removed = call(
        alice, "removeParticipant", {"conversationId": team, "participantId": ["carol", "mallory"]}
    )
    assert removed["participantIds"] == ["carol"]
    assert [(f["participantId"], bool(f["error"])) for f in removed["failed"]] == [
        ("mallory", True)
    ]


def test_presence_also_goes_out_under_the_old_names_to_contacts_only(
    connect: Callable[..., Client],
) -> None:
    alice, mallory = connect("alice"), connect("mallory")
    group(alice, "bob")  # contacts (a private conversation would need a message from each)
    events(alice)
    bob = connect("bob")
    bob.disconnect()
    seen = {e["name"]: e["args"][0] for e in alice.get_received()}
    assert {"user_online", "user_connected", "user_offline", "user_disconnected"} <= set(seen)
    for name in ("user_connected", "user_disconnected"):
        assert (seen[name]["userId"], seen[name]["matricule"]) == ("bob", "MAT-bob")
        assert seen[name]["timestamp"]
    assert seen["user_connected"]["timestamp"] == seen["user_online"]["lastSeen"]
    assert not {"user_connected", "user_disconnected"} & set(events(mallory))


def test_authenticate_is_followed_by_the_conversation_list(
    connect: Callable[..., Client],
) -> None:
    alice = connect("alice")
    conversation_id = send(alice, receiverId="bob")["result"]["conversationId"]
    old = connect(None)  # the old console: connect, then `authenticate {token}`
    ack = call(old, "authenticate", {"token": token("alice")})
    assert ack["success"]
    received = [(e["name"], e["args"][0]) for e in old.get_received()]
    names = [name for name, _ in received]
    assert names.index("authenticated") < names.index("conversationsLoaded"), names
    loaded = dict(received)["conversationsLoaded"]
    assert [c["_id"] for c in loaded["conversations"]] == [conversation_id]
    assert loaded["stats"]["total"] == 1
    refused = connect(None)
    call(refused, "authenticate", {"token": "garbage"})
    assert "conversationsLoaded" not in events(refused)


def test_receipts_are_confirmed_to_the_marking_socket(connect: Callable[..., Client]) -> None:
    alice, bob, bob_laptop = connect("alice"), connect("bob"), connect("bob")
    message_id = send(alice, receiverId="bob")["messageId"]
    for client in (alice, bob, bob_laptop):
        events(client)
    for event, reply, status in [
        ("markMessageDelivered", "messageDelivered", "DELIVERED"),
        ("messageRead", "messageRead", "READ"),
    ]:
        ack = call(bob, event, {"messageId": message_id})
        [confirmed] = events(bob, reply)
        assert (confirmed["messageId"], confirmed["status"]) == (message_id, status)
        assert confirmed["status"] == ack["status"]
    assert not {"messageDelivered", "messageRead"} & set(events(bob_laptop) + events(alice))
