"""Moderator actions through the HTTP routes on the store fakes: removing any message (the
tombstone, the event, the audit), removing an agent from a group, suspending and reinstating."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from ..conversations.test_views import assert_documented, response_schema
from ..fakes import RecordingNotifier, bearer

MOD = {"role": "moderator"}


def call(
    client: FlaskClient, method: str, path: str, user: str, body: Any = None, **claims: Any
) -> Any:
    return client.open(path, method=method, json=body, headers=bearer(user, **claims))


@pytest.fixture
def cid(client: FlaskClient) -> str:
    made = call(client, "POST", "/conversations", "alice", {"participantId": "bob"})
    return str(made.get_json()["data"]["id"])


def send(client: FlaskClient, cid: str, user: str = "bob", text: str = "abus") -> str:
    sent = call(client, "POST", "/messages", user, {"conversationId": cid, "content": text})
    assert sent.status_code == 201, sent.get_json()
    return str(sent.get_json()["data"]["id"])


def audit(client: FlaskClient) -> list[tuple[str, str, str]]:
    log = client.application.extensions["chat"].moderation_bundle.audit
    return [(e.actor_id, e.action, e.target_id) for e in log.recent()]


def test_a_moderator_removes_any_message(
    client: FlaskClient, cid: str, fakes: dict[str, Any]
) -> None:
    spec = client.get("/openapi.json").get_json()
    mid = send(client, cid)
    notifier: RecordingNotifier = fakes["notifier"]
    refused = call(client, "DELETE", f"/moderation/messages/{mid}", "alice")
    assert refused.status_code == 403 and refused.get_json()["code"] == "MODERATOR_REQUIRED"
    removed = call(client, "DELETE", f"/moderation/messages/{mid}", "mod", **MOD)
    assert removed.status_code == 200, removed.get_json()
    data = removed.get_json()["data"]
    assert (data["messageId"], data["scope"], data["deleted"]) == (mid, "everyone", True)
    route = "/moderation/messages/{message_id}"
    assert_documented(spec, response_schema(spec, "delete", route), data, "remove")
    seen = call(client, "GET", f"/messages/{mid}", "alice").get_json()["data"]
    assert (seen["deleted"], seen["deletedBy"], seen["content"]) == (True, "moderation", "")
    event, payload, users = notifier.events[-1]
    assert event == "message:deleted" and payload["by"] == "moderation"
    assert sorted(users) == ["alice", "bob"]
    assert audit(client)[0] == ("mod", "message.removed", mid)
    again = call(client, "DELETE", f"/moderation/messages/{mid}", "mod", **MOD)
    assert again.status_code == 409 and again.get_json()["code"] == "MESSAGE_DELETED"
    missing = call(client, "DELETE", f"/moderation/messages/{'c' * 24}", "mod", role="admin")
    assert missing.status_code == 404 and missing.get_json()["code"] == "MESSAGE_NOT_FOUND"
    assert call(client, "DELETE", "/moderation/messages/x", "mod", **MOD).status_code == 400


def test_an_author_deletion_is_marked_author_and_its_event_has_no_by(
    client: FlaskClient, cid: str, fakes: dict[str, Any]
) -> None:
    mid = send(client, cid)
    assert call(client, "DELETE", f"/messages/{mid}?scope=everyone", "bob").status_code == 200
    seen = call(client, "GET", f"/messages/{mid}", "alice").get_json()["data"]
    assert seen["deletedBy"] == "author"
    assert "by" not in fakes["notifier"].events[-1][1]
    fresh = call(client, "GET", f"/messages/{send(client, cid)}", "alice").get_json()["data"]
    assert fresh["deletedBy"] is None


def test_a_moderator_removes_an_agent_from_a_group(client: FlaskClient, cid: str) -> None:
    body = {"type": "GROUP", "name": "G", "members": ["bob", "carol"]}
    gid = call(client, "POST", "/conversations", "alice", body).get_json()["data"]["id"]
    path = f"/moderation/conversations/{gid}/participants/carol"
    assert call(client, "DELETE", path, "alice").get_json()["code"] == "MODERATOR_REQUIRED"
    removed = call(client, "DELETE", path, "mod", **MOD)
    assert removed.status_code == 200, removed.get_json()
    spec = client.get("/openapi.json").get_json()
    route = "/moderation/conversations/{conversation_id}/participants/{user_id}"
    documented = spec["components"]["schemas"]["MembershipView"]["properties"]
    assert set(removed.get_json()["data"]) <= set(documented)  # addedBy/userId: other events
    assert response_schema(spec, "delete", route)["$ref"].endswith("/MembershipView")
    members = call(client, "GET", f"/conversations/{gid}", "alice").get_json()["data"]
    assert "carol" not in members["participants"] and "carol" not in str(members["participants"])
    assert audit(client)[0] == ("mod", "member.removed", "carol")
    again = call(client, "DELETE", path, "mod", **MOD)
    assert again.status_code == 400 and again.get_json()["code"] == "NOT_PARTICIPANT"
    private = call(
        client, "DELETE", f"/moderation/conversations/{cid}/participants/bob", "mod", **MOD
    )
    assert private.get_json()["code"] == "NOT_A_GROUP"
    gone = call(
        client, "DELETE", f"/moderation/conversations/{'d' * 24}/participants/bob", "mod", **MOD
    )
    assert gone.status_code == 404 and gone.get_json()["code"] == "CONVERSATION_NOT_FOUND"


def test_a_suspended_agent_reads_but_writes_nothing(client: FlaskClient, cid: str) -> None:
    mid = send(client, cid, text="avant")
    path = "/moderation/users/bob/suspension"
    assert call(client, "POST", path, "alice").get_json()["code"] == "MODERATOR_REQUIRED"
    suspended = call(client, "POST", path, "mod", **MOD)
    assert suspended.get_json()["data"] == {"suspended": ["bob"]}
    writes = [
        ("POST", "/messages", {"conversationId": cid, "content": "x"}),
        ("PUT", f"/messages/{mid}", {"content": "y"}),
        ("DELETE", f"/messages/{mid}", None),
        ("POST", f"/messages/{mid}/reactions", {"emoji": "👍"}),
        ("PUT", f"/conversations/{cid}/read", {}),
        ("POST", "/conversations", {"participantId": "carol"}),
    ]
    for method, url, body in writes:
        answer = call(client, method, url, "bob", body)
        assert answer.status_code == 403 and answer.get_json()["code"] == "SUSPENDED", url
    assert call(client, "GET", f"/messages?conversationId={cid}", "bob").status_code == 200
    assert call(client, "GET", "/conversations", "bob").status_code == 200
    assert call(client, "GET", "/moderation/suspensions", "mod", **MOD).get_json()["data"] == {
        "suspended": ["bob"]
    }
    assert (
        call(client, "POST", "/moderation/users/ghost/suspension", "mod", **MOD).status_code == 404
    )
    assert call(client, "DELETE", path, "mod", **MOD).get_json()["data"] == {"suspended": []}
    assert (
        call(
            client, "POST", "/messages", "bob", {"conversationId": cid, "content": "x"}
        ).status_code
        == 201
    )
    actions = [a[1] for a in audit(client)[:2]]
    assert actions == ["agent.reinstated", "agent.suspended"]
