"""Legal holds on the store fakes: the routes (compliance and admin only, audited, bad input),
a held message deleted for everyone keeps its content and edits in the hold store while the
participants see the tombstone, retention skips held conversations and agents until release."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient

from services.chat_file.bootstrap import ChatServices
from services.chat_file.kernel.clock import utc_now
from services.chat_file.moderation.wiring import retention_service
from services.chat_file.settings import Settings

from ..conftest import who
from ..conversations.test_views import assert_documented, response_schema
from ..fakes import bearer
from .test_retention import RecordingDisposal

COMPLIANCE = {"role": "compliance"}


def call(client: FlaskClient, method: str, path: str, body: Any = None, **claims: Any) -> Any:
    return client.open(path, method=method, json=body, headers=bearer("cora", **claims))


def test_holds_are_placed_listed_and_released_by_compliance_only(
    client: FlaskClient, chat: ChatServices
) -> None:
    spec = client.get("/openapi.json").get_json()
    cid = chat.conversations.create(who("alice"), "PRIVATE", participant_id="bob")[0]["id"]
    body = {"conversationId": cid, "reason": "enquête 2026-17"}
    for role in ("user", "moderator", None):
        refused = call(client, "POST", "/compliance/holds", body, role=role)
        assert refused.status_code == 403 and refused.get_json()["code"] == "COMPLIANCE_REQUIRED"
    placed = call(client, "POST", "/compliance/holds", body, **COMPLIANCE)
    assert placed.status_code == 201, placed.get_json()
    hold = placed.get_json()["data"]
    assert (hold["kind"], hold["targetId"], hold["createdBy"]) == ("conversation", cid, "cora")
    assert_documented(spec, response_schema(spec, "post", "/compliance/holds"), hold, "post")
    agent = call(client, "POST", "/compliance/holds", {"userId": "bob"}, role="admin")
    assert agent.get_json()["data"]["kind"] == "user"
    listed = call(client, "GET", "/compliance/holds", **COMPLIANCE).get_json()["data"]["holds"]
    assert [h["id"] for h in listed] == [hold["id"], agent.get_json()["data"]["id"]]
    for bad, code in [
        ({"reason": "x"}, "VALIDATION_ERROR"),
        ({"conversationId": cid, "userId": "bob"}, "VALIDATION_ERROR"),
        ({"conversationId": "e" * 24}, "CONVERSATION_NOT_FOUND"),
        ({"conversationId": "nope"}, "INVALID_ID"),
        ({"userId": "a b"}, "INVALID_ID"),
    ]:
        assert (
            call(client, "POST", "/compliance/holds", bad, **COMPLIANCE).get_json()["code"] == code
        )
    released = call(client, "DELETE", f"/compliance/holds/{hold['id']}", **COMPLIANCE)
    assert released.status_code == 200 and released.get_json()["data"]["releasedBy"] == "cora"
    again = call(client, "DELETE", f"/compliance/holds/{hold['id']}", **COMPLIANCE)
    assert again.status_code == 409 and again.get_json()["code"] == "HOLD_RELEASED"
    missing = call(client, "DELETE", f"/compliance/holds/{'f' * 24}", **COMPLIANCE)
    assert missing.status_code == 404 and missing.get_json()["code"] == "HOLD_NOT_FOUND"
    actions = [e.action for e in chat.moderation_bundle.audit.recent()]
    assert actions[:3] == ["hold.released", "hold.placed", "hold.placed"]


def test_a_held_message_deleted_for_everyone_keeps_its_content(
    client: FlaskClient, chat: ChatServices
) -> None:
    alice = bearer("alice")
    cid = client.post("/conversations", json={"participantId": "bob"}, headers=alice)
    cid = cid.get_json()["data"]["id"]
    free = client.post("/messages", json={"conversationId": cid, "content": "libre"}, headers=alice)
    free_id = free.get_json()["data"]["id"]
    assert client.delete(f"/messages/{free_id}?scope=everyone", headers=alice).status_code == 200
    call(client, "POST", "/compliance/holds", {"conversationId": cid}, **COMPLIANCE)
    sent = client.post("/messages", json={"conversationId": cid, "content": "v1"}, headers=alice)
    mid = sent.get_json()["data"]["id"]
    client.put(f"/messages/{mid}", json={"content": "v2"}, headers=alice)
    gone = client.delete(f"/messages/{mid}?scope=everyone", headers=alice)
    assert gone.status_code == 200
    seen = client.get(f"/messages/{mid}", headers=bearer("bob")).get_json()["data"]
    assert seen["content"] == "" and seen["deleted"] and "hold" not in str(seen).lower()
    kept = chat.adapters.stores.holds.kept(mid)
    assert kept is not None and kept["content"] == "v2" and kept["senderId"] == "alice"
    assert [h["content"] for h in kept["editHistory"]] == ["v1"]
    assert chat.adapters.stores.holds.kept(free_id) is None  # deleted before the hold
    other = client.post("/messages", json={"conversationId": cid, "content": "x"}, headers=alice)
    oid = other.get_json()["data"]["id"]
    removed = client.delete(f"/moderation/messages/{oid}", headers=bearer("mod", role="moderator"))
    assert removed.status_code == 200
    assert chat.adapters.stores.holds.kept(oid)["content"] == "x"  # type: ignore[index]


def test_retention_skips_held_data_until_release(chat: ChatServices, settings: Settings) -> None:
    alice, bob = who("alice"), who("bob")
    held_chat = chat.conversations.create(alice, "PRIVATE", participant_id="bob")[0]["id"]
    other = chat.conversations.create(alice, "PRIVATE", participant_id="carol")[0]["id"]
    chat.messages.send(alice, conversation_id=held_chat, content="gardé")
    chat.messages.send(alice, conversation_id=other, content="purgé")
    chat.messages.send(who("carol"), conversation_id=other, content="gardé: carol")
    cora = replace(who("cora"), role="compliance")
    holds = chat.moderation_bundle.holds
    on_chat = holds.place(cora, "conversation", held_chat, "")
    on_carol = holds.place(cora, "user", "carol", "")
    config = replace(settings, moderation=replace(settings.moderation, retention_days=30))
    later = utc_now() + timedelta(days=40)

    def run() -> int:
        service = retention_service(
            config, chat.adapters.stores, RecordingDisposal(), lambda: later
        )
        return service.run().messages

    assert run() == 1  # alice's message in the other conversation only
    assert len(chat.messages.history(alice, held_chat)["messages"]) == 1
    left = chat.messages.history(alice, other)["messages"]
    assert [m["senderId"] for m in left] == ["carol"]
    holds.release(cora, on_chat.id)
    holds.release(cora, on_carol.id)
    assert run() == 2  # released: the next run purges
    assert chat.messages.history(bob, held_chat)["messages"] == []
