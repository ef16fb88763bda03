"""Blocks through the HTTP routes and the use cases on the store fakes: the routes' answers, a
blocked agent refused BLOCKED on the private conversation (open, send, edit, react) while groups
work, presence and typing hidden between the two (the facade realtime reads), no push from the
blocked agent to the blocker."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from services.chat_file.bootstrap import ChatServices
from services.chat_file.conversations.facade import MessageLookup, Participation
from services.chat_file.kernel.clock import utc_now
from services.chat_file.moderation.api.views import BLOCK_LIST, BLOCK_VIEW
from services.chat_file.moderation.application.blocks import BlockResult
from services.chat_file.push.application.fanout import PushFanout
from services.chat_file.push.domain.devices import Device, Platform, new_device_id

from ..conftest import who
from ..conversations.test_views import assert_documented, response_schema
from ..fakes import bearer
from ..push.fakes import FakeOnlineUsers


def call(client: FlaskClient, method: str, path: str, user: str, body: Any = None) -> Any:
    return client.open(path, method=method, json=body, headers=bearer(user))


def test_block_unblock_and_list(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    blocked = call(client, "POST", "/users/bob/block", "alice")
    assert blocked.status_code == 200 and blocked.get_json()["data"] == {
        "userId": "bob",
        "blocked": True,
    }
    assert call(client, "POST", "/users/bob/block", "alice").status_code == 200  # idempotent
    call(client, "POST", "/users/carol/block", "alice")
    listed = call(client, "GET", "/users/blocked", "alice").get_json()["data"]
    assert sorted(listed["users"]) == ["bob", "carol"]
    assert_documented(spec, response_schema(spec, "get", "/users/blocked"), listed, "list")
    lifted = call(client, "DELETE", "/users/bob/block", "alice")
    assert lifted.get_json()["data"] == {"userId": "bob", "blocked": False}
    assert_documented(
        spec,
        response_schema(spec, "delete", "/users/{user_id}/block"),
        lifted.get_json()["data"],
        "x",
    )
    assert call(client, "DELETE", "/users/bob/block", "alice").status_code == 200  # no-op
    assert call(client, "GET", "/users/blocked", "alice").get_json()["data"]["users"] == ["carol"]
    assert call(client, "GET", "/users/blocked", "bob").get_json()["data"]["users"] == []
    BLOCK_VIEW.check_fast(BlockResult("bob", True))
    BLOCK_LIST.check_fast(["bob"])


@pytest.mark.parametrize(
    ("target", "status", "code"),
    [("alice", 400, "SELF_BLOCK"), ("a b", 400, "INVALID_ID"), ("ghost", 404, "USER_NOT_FOUND")],
)
def test_bad_blocks(client: FlaskClient, target: str, status: int, code: str) -> None:
    response = call(client, "POST", f"/users/{target}/block", "alice")
    assert response.status_code == status and response.get_json()["code"] == code


def test_the_blocked_agent_cannot_open_or_write_the_private_conversation(
    client: FlaskClient,
) -> None:
    cid = call(client, "POST", "/conversations", "alice", {"participantId": "bob"})
    cid = cid.get_json()["data"]["id"]
    mine = call(client, "POST", "/messages", "bob", {"conversationId": cid, "content": "avant"})
    mid = mine.get_json()["data"]["id"]
    call(client, "POST", "/users/bob/block", "alice")
    refused = [
        call(client, "POST", "/conversations", "bob", {"participantId": "alice"}),
        call(client, "POST", "/messages", "bob", {"conversationId": cid, "content": "x"}),
        call(client, "POST", "/messages", "bob", {"receiverId": "alice", "content": "x"}),
        call(client, "PUT", f"/messages/{mid}", "bob", {"content": "modifié"}),
        call(client, "POST", f"/messages/{mid}/reactions", "bob", {"emoji": "👍"}),
    ]
    for response in refused:
        assert response.status_code == 403 and response.get_json()["code"] == "BLOCKED"
    # the blocker still may; a group with both works for both
    ok = call(client, "POST", "/messages", "alice", {"conversationId": cid, "content": "fin"})
    assert ok.status_code == 201
    group = call(
        client,
        "POST",
        "/conversations",
        "carol",
        {"type": "GROUP", "name": "G", "members": ["alice", "bob"]},
    )
    gid = group.get_json()["data"]["id"]
    assert (
        call(
            client, "POST", "/messages", "bob", {"conversationId": gid, "content": "g"}
        ).status_code
        == 201
    )
    call(client, "DELETE", "/users/bob/block", "alice")
    again = call(client, "POST", "/messages", "bob", {"conversationId": cid, "content": "merci"})
    assert again.status_code == 201


def test_presence_and_typing_are_hidden_between_the_two(chat: ChatServices) -> None:
    stores = chat.adapters.stores
    participation = Participation(stores.conversations, stores.blocks)
    private = chat.conversations.create(who("alice"), "PRIVATE", participant_id="bob")[0]["id"]
    group = chat.conversations.create(who("alice"), "GROUP", name="G", members=["bob", "carol"])
    chat.moderation_bundle.blocks.block(who("alice"), "bob")
    assert participation.contacts_of("alice") == {"alice", "carol"}
    assert participation.contacts_of("bob") == {"bob", "carol"}
    assert participation.contacts_of("carol") == {"alice", "bob", "carol"}
    assert participation.participants_of(who("alice"), private) == ["alice"]
    assert participation.participants_of(who("bob"), private) == ["bob"]
    assert sorted(participation.participants_of(who("bob"), group[0]["id"])) == [
        "alice",
        "bob",
        "carol",
    ]
    chat.moderation_bundle.blocks.unblock(who("alice"), "bob")
    assert participation.contacts_of("bob") == {"alice", "bob", "carol"}


def test_the_blocked_agent_pushes_nothing_to_the_blocker(chat: ChatServices) -> None:
    stores = chat.adapters.stores
    for user in ("alice", "carol"):
        stores.devices.register(
            Device(new_device_id(), user, Platform.FCM, f"tok-{user}", user, "1", utc_now())
        )
    gid = chat.conversations.create(who("bob"), "GROUP", name="G", members=["alice", "carol"])
    chat.moderation_bundle.blocks.block(who("alice"), "bob")
    sent, _ = chat.messages.send(who("bob"), conversation_id=gid[0]["id"], content="Salut")
    fanout = PushFanout(
        MessageLookup(stores.conversations, stores.messages, stores.badges),
        stores.devices,
        chat.directory,
        FakeOnlineUsers(),
        stores.notification_settings,
        blocks=stores.blocks,
    )
    assert [j["userId"] for j in fanout.jobs_for({"messageId": sent["id"]})] == ["carol"]
