"""Old clients' events and shapes (web console of the old system, Flutter app) against a real
chat_file process in both async modes: loading in two steps, HTTP pagination metadata, typing
and presence (membership and message rows: test_realtime_parity_writes.py). Every row of the
parity table in api-contract.md is covered by one of the two modules.

`IDLE_TIMEOUT` is short here so `user_idle` can be observed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import requests

from tests.support.servers import ServiceProcess

from .realtime_support import (
    ASYNC_MODES,
    Probe,
    chat_servers,
    new_group,
    new_user,
    private_chat,
    probes,
    send,
    token_for,
)

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
    assert m.call("ping")["success"]  # its `pong` comes after anything the refusal emitted
    m.quiet_until("messages:quick", lambda _: True, "pong", lambda _: True)


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
    new_group(a, [bob, carol])  # contacts (a private chat needs a message from each side)
    connect(token_for(bob))
    connect(token_for(new_user()))  # online, but not a contact
    answer = a.call("getOnlineUsers", {})
    listed = a.wait("onlineUsers")
    users = {u["userId"]: u for u in listed["contacts"]}
    assert answer["online"] == [bob]
    assert set(users) == {bob, carol}
    assert [u["userId"] for u in listed["users"]] == [bob]  # online or idle only
    # IDLE_TIMEOUT is 1.5 s in this module: on a busy machine bob may already be idle
    assert users[bob]["status"] in {"online", "idle"} and users[bob]["lastSeen"]
    assert users[carol] == {"userId": carol, "status": "offline", "lastSeen": None}


def test_user_idle_after_the_idle_timeout_then_online_on_activity(connect: Connect) -> None:
    alice, bob = new_user(), new_user()
    a = connect(token_for(alice))
    private_chat(a, bob)
    b = connect(token_for(bob))
    send(b, receiverId=alice, content="re")  # contacts once both have written
    idle = b.wait("user_idle", lambda e: e["userId"] == alice, timeout=IDLE_TIMEOUT * 4)
    assert idle["matricule"] and idle["timestamp"]
    users = {u["userId"]: u for u in b.call("getOnlineUsers", {})["users"]}
    assert users[alice]["status"] == "idle"  # idle users stay in `users`
    a.call("ping")
    back = b.wait("user_online", lambda e: e["userId"] == alice)
    assert back["lastSeen"]
