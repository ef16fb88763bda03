"""Old clients' membership and message events and shapes against a real chat_file process in
both async modes (the rest of the parity table: test_realtime_parity.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .realtime_support import Probe, new_group, new_user, private_chat, send, token_for
from .test_realtime import connect, server

pytestmark = pytest.mark.e2e
__all__ = ["connect", "server"]  # the same servers as test_realtime.py, started for this module

Connect = Callable[..., Probe]


# --- membership -----------------------------------------------------------------------------


def test_add_and_remove_participant_reach_the_caller_and_the_room(connect: Connect) -> None:
    alice, bob, carol, dave = (new_user() for _ in range(4))
    a, b = connect(token_for(alice)), connect(token_for(bob))
    d = connect(token_for(dave))
    group = new_group(a, [bob, carol])
    ref = {"conversationId": group["id"]}
    added = a.call("addParticipant", {**ref, "participantId": [dave, bob]})
    assert added["success"] and added["participantIds"] == [dave]
    assert [(f["userId"], f["code"]) for f in added["failed"]] == [(bob, "ALREADY_PARTICIPANT")]
    for probe in (a, b, d):  # the caller, the room, the newcomer
        event = probe.wait("participant:added")
        assert (event["conversationId"], event["participantIds"]) == (group["id"], [dave])
        assert event["addedBy"] == alice and event["timestamp"] and event["success"]
    removed = a.call("removeParticipant", {**ref, "participantId": carol})
    assert removed["participantIds"] == [carol] and removed["failed"] == []
    for probe in (a, b):
        event = probe.wait("participant:removed", lambda e: e.get("removedBy") == alice)
        assert event["participantIds"] == [carol]
    refused = b.call("addParticipant", {**ref, "participantId": carol})
    assert refused["code"] == "NOT_CONVERSATION_ADMIN"
    assert b.wait("participant:error")["code"] == "NOT_CONVERSATION_ADMIN"


def test_leave_conversation_permanent(connect: Connect) -> None:
    alice, bob, carol = new_user(), new_user(), new_user()
    a, b = connect(token_for(alice)), connect(token_for(bob))
    group = new_group(a, [bob, carol])
    left = b.call("leaveConversationPermanent", {"conversationId": group["id"]})
    assert left["success"], left
    event = b.wait("conversation:left_permanent")
    assert (event["conversationId"], event["userId"], event["remainingParticipants"]) == (
        group["id"],
        bob,
        2,
    )
    assert a.wait("participant:left")["userIds"] == [bob]
    without = send(a, conversationId=group["id"], content="sans Bob")
    marker = send(a, receiverId=bob, content="en privé")  # fanned out after "sans Bob"
    b.quiet_until(
        "newMessage",
        lambda e: e["messageId"] == without["messageId"],
        "newMessage",
        lambda e: e["messageId"] == marker["messageId"],
    )
    private_id, _ = private_chat(a, bob)
    refused = a.call("leaveConversationPermanent", {"conversationId": private_id})
    assert refused["code"] == "NOT_A_GROUP"
    assert a.wait("conversation:error")["code"] == "NOT_A_GROUP"


def test_group_and_broadcast_created_with_invitations(connect: Connect) -> None:
    alice, bob = new_user(), new_user()
    a, b = connect(token_for(alice)), connect(token_for(bob))
    group = new_group(a, [bob])
    created = a.wait("group:created")
    assert created["success"] and created["conversation"]["id"] == group["id"]
    assert created["group"]["participantCount"] == 2 and created["timestamp"]
    assert set(created["group"]) == {
        "id", "_id", "name", "type", "participants", "createdBy", "createdAt",
        "participantCount",
    }  # fmt: skip
    invitation = b.wait("group:invitation")
    assert invitation["group"]["id"] == group["id"]
    assert invitation["invitedBy"]["userId"] == alice and invitation["timestamp"]
    assert a.call("ping")["success"]  # its `pong` comes after anything createGroup emitted
    a.quiet_until("group:invitation", lambda _: True, "pong", lambda _: True)
    made = a.call("createBroadcast", {"name": "Annonces", "recipients": [bob]})
    assert made["broadcast"]["type"] == "BROADCAST" and made["conversation"]["id"]
    assert a.wait("broadcast:created")["broadcast"]["id"] == made["conversation"]["id"]
    assert b.wait("broadcast:invitation")["broadcast"]["id"] == made["conversation"]["id"]


# --- messages -------------------------------------------------------------------------------


def test_flutter_receipt_names_work_like_mark_message(connect: Connect) -> None:
    alice, bob = new_user(), new_user()
    a, b = connect(token_for(alice)), connect(token_for(bob))
    _, (ack,) = private_chat(a, bob)
    ref = {"messageId": ack["messageId"], "conversationId": ack["result"]["conversationId"]}
    assert b.call("messageDelivered", ref)["status"] == "DELIVERED"
    a.wait("message:status", lambda e: e["status"] == "DELIVERED")
    assert b.call("messageRead", ref)["status"] == "READ"
    assert a.wait("messageStatusChanged", lambda e: e["status"] == "READ")["userId"] == bob


def test_message_edited_to_the_caller_and_the_room(connect: Connect) -> None:
    alice, bob = new_user(), new_user()
    a, b = connect(token_for(alice)), connect(token_for(bob))
    cid, (ack,) = private_chat(a, bob)
    mid = ack["messageId"]
    edited = a.call("editMessage", {"messageId": mid, "newContent": "corrigé"})
    assert (edited["success"], edited["messageId"], edited["newContent"]) == (True, mid, "corrigé")
    assert edited["editedAt"] and edited["timestamp"] and edited["message"]["edited"]
    for probe in (a, b):
        event = probe.wait("message:edited")
        assert (event["messageId"], event["conversationId"], event["newContent"]) == (
            mid,
            cid,
            "corrigé",
        )
        assert event["editedBy"] == alice and event["editedAt"] and event["timestamp"]
        assert "editedByMatricule" in event and event["content"] == "corrigé"  # the full view


def test_delete_for_me_reaches_my_other_devices_only(connect: Connect) -> None:
    alice, bob = new_user(), new_user()
    phone, laptop = connect(token_for(alice)), connect(token_for(alice))
    b = connect(token_for(bob))
    cid, (ack,) = private_chat(b, alice)
    mid = ack["messageId"]
    gone = phone.call("deleteMessage", {"messageId": mid, "deleteType": "forMe"})
    assert (gone["success"], gone["deleteType"], gone["messageId"]) == (True, "me", mid)
    event = laptop.wait("message:deleted")
    assert (event["messageId"], event["deleteType"], event["success"]) == (mid, "me", True)
    assert event["deletedAt"] and event["timestamp"]
    marker = send(phone, conversationId=cid, content="après")  # reaches b after any delete
    b.quiet_until(
        "message:deleted",
        lambda _: True,
        "newMessage",
        lambda e: e["messageId"] == marker["messageId"],
    )
    everyone = b.call("deleteMessage", {"messageId": mid, "deleteType": "forEveryone"})
    assert everyone["deleteType"] == "everyone"
    assert b.wait("message:deleted")["deleteType"] == "everyone"


def test_new_message_carries_sender_name_in_every_conversation_type(connect: Connect) -> None:
    alice, bob = new_user(), new_user()
    a, b = connect(token_for(alice)), connect(token_for(bob))
    private_chat(a, bob)
    group = new_group(a, [bob])
    broadcast = a.call("createBroadcast", {"name": "Annonces", "recipients": [bob]})
    send(a, conversationId=group["id"], content="au groupe")
    send(a, conversationId=broadcast["conversation"]["id"], content="à tous")
    for content in ("m0", "au groupe", "à tous"):
        event = b.wait("newMessage", lambda m, c=content: m["content"] == c)
        assert event["senderName"]  # auth_user is not running here: "Utilisateur inconnu"


def test_message_error_carries_message_and_error(connect: Connect) -> None:
    a = connect(token_for(new_user()))
    a.call("sendMessage", {"receiverId": new_user(), "content": " "})
    error = a.wait("message_error")
    assert error["code"] == "EMPTY_CONTENT" and error["error"] == error["message"]
