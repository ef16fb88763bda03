"""Old clients' events and shapes (web console of the old system, Flutter app) against a real
chat_file process in both async modes: every row of the parity table in api-contract.md.

`IDLE_TIMEOUT` is short here so `user_idle` can be observed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
import requests

from tests.support.servers import ServiceProcess

from .realtime_support import ASYNC_MODES, Probe, chat_servers, new_user, probes, token_for

pytestmark = pytest.mark.e2e

Connect = Callable[..., Probe]
IDLE_TIMEOUT = 1.5


@pytest.fixture(scope="module", params=ASYNC_MODES)
def server(request: pytest.FixtureRequest, redis_url: str) -> Iterator[ServiceProcess]:
    extra = {"IDLE_TIMEOUT": str(IDLE_TIMEOUT)}
    with chat_servers(redis_url, request.param, **extra) as (process,):
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


def private_chat(a: Probe, other: str, count: int = 1) -> tuple[str, list[dict]]:
    acks = [send(a, receiverId=other, content=f"m{n}") for n in range(count)]
    return str(acks[0]["result"]["conversationId"]), acks


def new_group(a: Probe, members: list[str]) -> dict:
    created = a.call("createGroup", {"name": "Équipe", "members": members})
    assert created["success"], created
    return dict(created["conversation"])


# --- loading in two steps -------------------------------------------------------------------


def test_messages_quickload_then_fullload_page_through_history(connect: Connect) -> None:
    alice = new_user()
    a = connect(token_for(alice))
    cid, acks = private_chat(a, new_user(), count=5)
    quick = a.call("messages:quickload", {"conversationId": cid, "limit": 2})
    event = a.wait("messages:quick")
    assert quick["success"] and event["conversationId"] == cid
    assert [m["content"] for m in event["messages"]] == ["m4", "m3"]
    assert (event["hasMore"], event["fromCache"]) == (True, False) and event["timestamp"]
    full = a.call("messages:fullload", {"conversationId": cid, "cursor": quick["nextCursor"]})
    page = a.wait("messages:full")
    assert [m["content"] for m in page["messages"]] == ["m2", "m1", "m0"]  # newest first
    assert (page["hasMore"], page["totalCount"], page["nextCursor"]) == (
        False,
        5,
        acks[0]["messageId"],
    )
    assert full["success"] and "fromCache" in page


def test_messages_load_errors_come_as_messages_error(connect: Connect) -> None:
    a = connect(token_for(new_user()))
    cid, _ = private_chat(a, new_user())
    m = connect(token_for(new_user()))
    answer = m.call("messages:quickload", {"conversationId": cid})
    assert (answer["success"], answer["code"]) == (False, "CONVERSATION_NOT_FOUND")
    error = m.wait("messages:error")
    assert error["code"] == "CONVERSATION_NOT_FOUND" and error["error"] == error["message"]
    m.quiet("messages:quick", for_s=0.2)


def test_conversations_quickload_then_fullload(connect: Connect) -> None:
    alice = new_user()
    a = connect(token_for(alice))
    for _ in range(3):
        private_chat(a, new_user())
    assert a.call("conversations:quickload", {"limit": 2})["success"]
    quick = a.wait("conversations:quick")
    assert len(quick["conversations"]) == 2 and quick["hasMore"] is True
    assert (quick["fromCache"], quick["totalUnreadMessages"], quick["unreadConversations"]) == (
        False,
        0,
        0,
    )
    assert a.call("conversations:fullload", {"page": 2, "limit": 2})["success"]
    full = a.wait("conversations:full")
    assert len(full["conversations"]) == 1 and full["timestamp"]
    meta = full["metadata"]["pagination"]
    assert (meta["currentPage"], meta["totalPages"], meta["totalCount"]) == (2, 2, 3)
    assert (meta["hasNext"], meta["previousPage"]) == (False, 1)
    assert full["pagination"]["total"] == 3  # today's fields too
    refused = a.call("conversations:fullload", {"limit": 51})
    assert refused["code"] == "INVALID_PAGINATION"
    assert a.wait("conversations:error")["code"] == "INVALID_PAGINATION"


def test_get_conversations_over_http_has_metadata_pagination(
    server: ServiceProcess, connect: Connect
) -> None:
    alice = new_user()
    a = connect(token_for(alice))
    for _ in range(3):
        private_chat(a, new_user())
    response = requests.get(
        f"{server.url}/conversations?page=1&limit=2",
        headers={"Authorization": f"Bearer {token_for(alice)}"},
        timeout=5,
    )
    data = response.json()["data"]
    assert data["metadata"]["pagination"] == {
        "currentPage": 1,
        "totalPages": 2,
        "totalCount": 3,
        "hasNext": True,
        "hasPrevious": False,
        "limit": 2,
        "offset": 0,
        "nextPage": 2,
        "previousPage": None,
    }
    assert data["pagination"]["hasMore"] is True


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
    send(a, conversationId=group["id"], content="sans Bob")
    b.quiet("newMessage", for_s=0.3)
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
        "id", "name", "type", "participants", "createdBy", "createdAt", "participantCount"
    }  # fmt: skip
    invitation = b.wait("group:invitation")
    assert invitation["group"]["id"] == group["id"]
    assert invitation["invitedBy"]["userId"] == alice and invitation["timestamp"]
    a.quiet("group:invitation", for_s=0.2)
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
    _, (ack,) = private_chat(b, alice)
    mid = ack["messageId"]
    gone = phone.call("deleteMessage", {"messageId": mid, "deleteType": "forMe"})
    assert (gone["success"], gone["deleteType"], gone["messageId"]) == (True, "me", mid)
    event = laptop.wait("message:deleted")
    assert (event["messageId"], event["deleteType"], event["success"]) == (mid, "me", True)
    assert event["deletedAt"] and event["timestamp"]
    b.quiet("message:deleted", for_s=0.3)
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


# --- typing and presence --------------------------------------------------------------------


def test_typing_indicator_flutter_typing_and_is_typing_false(connect: Connect) -> None:
    alice, bob = new_user(), new_user()
    a, b = connect(token_for(alice)), connect(token_for(bob))
    cid, _ = private_chat(a, bob)
    a.call("typing", {"conversationId": cid})
    indicator = b.wait("typing:indicator")
    assert (indicator["status"], indicator["userId"], indicator["conversationId"]) == (
        "start",
        alice,
        cid,
    )
    assert indicator["timestamp"]
    flutter = b.wait("typing")
    assert (flutter["isTyping"], flutter["userId"], flutter["conversationId"]) == (True, alice, cid)
    assert flutter["userName"]
    assert a.call("typing", {"conversationId": cid, "isTyping": False})["success"]
    b.wait("userStoppedTyping")
    assert b.wait("typing:indicator")["status"] == "stop"
    assert b.wait("typing")["isTyping"] is False


def test_online_users_lists_contacts_with_status_and_last_seen(connect: Connect) -> None:
    alice, bob, carol = new_user(), new_user(), new_user()
    a = connect(token_for(alice))
    private_chat(a, bob)
    private_chat(a, carol)
    connect(token_for(bob))
    connect(token_for(new_user()))  # online, but not a contact
    answer = a.call("getOnlineUsers", {})
    users = {u["userId"]: u for u in a.wait("onlineUsers")["users"]}
    assert answer["online"] == [bob]
    assert set(users) == {bob, carol}
    assert users[bob]["status"] == "online" and users[bob]["lastSeen"]
    assert users[carol] == {"userId": carol, "status": "offline", "lastSeen": None}


def test_user_idle_after_the_idle_timeout_then_online_on_activity(connect: Connect) -> None:
    alice, bob = new_user(), new_user()
    a = connect(token_for(alice))
    private_chat(a, bob)
    b = connect(token_for(bob))
    idle = b.wait("user_idle", lambda e: e["userId"] == alice, timeout=IDLE_TIMEOUT * 4)
    assert idle["matricule"] and idle["timestamp"]
    users = {u["userId"]: u for u in b.call("getOnlineUsers", {})["users"]}
    assert users[alice]["status"] == "idle"
    a.call("ping")
    back = b.wait("user_online", lambda e: e["userId"] == alice)
    assert back["lastSeen"]
