"""IDOR matrix: an authenticated user who is NOT a participant tries every chat and file route,
and every Socket.IO event, on someone else's conversation, message and file. Each attempt must
look like "not found" (404 / error code), leak none of the data, and change nothing."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import Stack, bearer, over_every_backend

pytestmark = over_every_backend  # on the SQL stores and on the Mongo adapter (mongomock)
SECRET_TEXT = "contenu-confidentiel-" + uuid.uuid4().hex[:8]


@dataclass(frozen=True)
class Scene:
    alice: str  # tokens
    bob: str
    mallory: str
    bob_id: str
    mallory_id: str
    private: str  # conversation ids
    group: str
    message: str  # alice's message in the private conversation
    group_message: str
    file: str  # uploaded by alice into the private conversation
    mallory_conversation: str  # mallory's own conversation with bob


def _send(stack: Stack, token: str, **body: Any) -> dict[str, Any]:
    response = stack.chat.post("/messages", json={"type": "TEXT", **body}, headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    data: dict[str, Any] = response.get_json()["data"]
    return data


@pytest.fixture(scope="module")
def scene(stack: Stack) -> Scene:
    alice, bob, mallory = (stack.login(m) for m in ("MAT1001", "MAT1002", "MAT1003"))
    bob_id, mallory_id = bob["user"]["id"], mallory["user"]["id"]
    first = _send(stack, alice["accessToken"], receiverId=bob_id, content=SECRET_TEXT)
    group = stack.chat.post(
        "/conversations",
        json={"type": "GROUP", "name": "Cabinet " + SECRET_TEXT, "members": [bob_id]},
        headers=bearer(alice["accessToken"]),
    ).get_json()["data"]
    in_group = _send(
        stack, alice["accessToken"], conversationId=group["id"], content=SECRET_TEXT + "-g"
    )
    upload = stack.chat.post(
        "/files/upload",
        data={
            "conversationId": first["conversationId"],
            "file": (io.BytesIO(SECRET_TEXT.encode() * 4), "note.txt"),
        },
        headers=bearer(alice["accessToken"]),
        content_type="multipart/form-data",
    )
    assert upload.status_code == 201, upload.get_json()
    own = _send(stack, mallory["accessToken"], receiverId=bob_id, content="salut")
    return Scene(
        alice=alice["accessToken"],
        bob=bob["accessToken"],
        mallory=mallory["accessToken"],
        bob_id=bob_id,
        mallory_id=mallory_id,
        private=first["conversationId"],
        group=group["id"],
        message=first["messageId"],
        group_message=in_group["messageId"],
        file=upload.get_json()["data"]["id"],
        mallory_conversation=own["conversationId"],
    )


def http_matrix(s: Scene) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, request kwargs) for every route that names a conversation/message/file."""
    rows: list[tuple[str, str, dict[str, Any]]] = []
    for cid, mid in ((s.private, s.message), (s.group, s.group_message)):
        rows += [
            ("GET", f"/messages?conversationId={cid}", {}),
            ("POST", "/messages", {"json": {"conversationId": cid, "content": "intrus"}}),
            ("GET", f"/messages/search?q=contenu&conversationId={cid}", {}),
            ("GET", f"/messages/{mid}", {}),
            ("PUT", f"/messages/{mid}", {"json": {"content": "modifié"}}),
            ("DELETE", f"/messages/{mid}?scope=me", {}),
            ("DELETE", f"/messages/{mid}?scope=everyone", {}),
            ("PUT", f"/messages/{mid}/status", {"json": {"status": "READ"}}),
            ("POST", f"/messages/{mid}/reactions", {"json": {"emoji": "👍"}}),
            ("DELETE", f"/messages/{mid}/reactions?emoji=%F0%9F%91%8D", {}),
            ("GET", f"/conversations/{cid}", {}),
            ("PUT", f"/conversations/{cid}/read", {"json": {"messageId": mid}}),
            ("POST", f"/conversations/{cid}/participants", {"json": {"userIds": [s.mallory_id]}}),
            ("DELETE", f"/conversations/{cid}/participants/{s.bob_id}", {}),
            ("POST", f"/conversations/{cid}/leave", {}),
            ("GET", f"/files/conversation/{cid}", {}),
        ]
    rows += [
        ("GET", f"/files/{s.file}", {}),
        ("GET", f"/files/{s.file}/download", {}),
        ("GET", f"/files/{s.file}/thumbnail?size=small", {}),
        ("DELETE", f"/files/{s.file}", {}),
        (
            "POST",
            "/files/upload",
            {
                "data": {"conversationId": s.private, "file": (io.BytesIO(b"intrus"), "x.txt")},
                "content_type": "multipart/form-data",
            },
        ),
        # someone else's file or message smuggled into the attacker's own conversation
        (
            "POST",
            "/messages",
            {"json": {"conversationId": s.mallory_conversation, "type": "FILE", "fileId": s.file}},
        ),
        (
            "POST",
            "/messages",
            {
                "json": {
                    "conversationId": s.mallory_conversation,
                    "content": "cite",
                    "replyTo": s.message,
                }
            },
        ),
    ]
    return rows


def test_every_http_route_answers_not_found_to_a_non_participant(
    stack: Stack, scene: Scene
) -> None:
    tried = []
    for method, path, kwargs in http_matrix(scene):
        response = stack.chat.open(path, method=method, headers=bearer(scene.mallory), **kwargs)
        text = response.get_data(as_text=True)
        tried.append((method, path, response.status_code))
        assert response.status_code == 404, (method, path, response.status_code, text)
        assert response.get_json()["success"] is False, (method, path)
        assert SECRET_TEXT not in text and "Cabinet" not in text, (method, path)
    assert len(tried) >= 38


def test_nothing_of_theirs_shows_in_the_attackers_lists_and_searches(
    stack: Stack, scene: Scene
) -> None:
    mine = stack.chat.get("/conversations?limit=100", headers=bearer(scene.mallory)).get_json()
    assert {c["id"] for c in mine["data"]["conversations"]} == {scene.mallory_conversation}
    found = stack.chat.get("/messages/search?q=contenu", headers=bearer(scene.mallory))
    assert found.status_code == 200 and found.get_json()["data"]["count"] == 0


def test_the_attempts_changed_nothing(stack: Stack, scene: Scene) -> None:
    test_every_http_route_answers_not_found_to_a_non_participant(stack, scene)
    history = stack.chat.get(f"/messages?conversationId={scene.private}", headers=bearer(scene.bob))
    messages = history.get_json()["data"]["messages"]
    assert [m["content"] for m in messages] == [SECRET_TEXT]
    assert messages[0].get("reactions") in (None, [])
    group = stack.chat.get(f"/conversations/{scene.group}", headers=bearer(scene.alice))
    participants = group.get_json()["data"]["participants"]
    ids = {p["userId"] if isinstance(p, dict) else p for p in participants}
    assert scene.mallory_id not in ids and scene.bob_id in ids
    assert stack.chat.get(f"/files/{scene.file}", headers=bearer(scene.bob)).status_code == 200


SOCKET_EVENTS = [
    ("joinConversation", "conv", "CONVERSATION_NOT_FOUND"),
    ("typing", "conv", "CONVERSATION_NOT_FOUND"),
    ("getMessages", "conv", "CONVERSATION_NOT_FOUND"),
    ("sendMessage", "conv", "CONVERSATION_NOT_FOUND"),
    ("markMessageDelivered", "msg", "MESSAGE_NOT_FOUND"),
    ("markMessageRead", "msg", "MESSAGE_NOT_FOUND"),
    ("editMessage", "msg", "MESSAGE_NOT_FOUND"),
    ("deleteMessage", "msg", "MESSAGE_NOT_FOUND"),
]


def test_every_socket_event_on_their_conversation_is_refused(stack: Stack, scene: Scene) -> None:
    socketio = stack.chat_app.extensions["socketio"]
    bob = socketio.test_client(stack.chat_app, auth={"token": scene.bob})
    mallory = socketio.test_client(stack.chat_app, auth={"token": scene.mallory})
    assert bob.is_connected() and mallory.is_connected()
    assert bob.emit("joinConversation", {"conversationId": scene.private}, callback=True)["success"]
    bob.get_received()
    for event, ref, code in SOCKET_EVENTS:
        payload = {
            "conversationId": scene.private,
            "messageId": scene.message,
            "content": "intrus",
            "newContent": "intrus",
            "deleteType": "everyone",
            "type": "TEXT",
        }
        if ref == "msg":
            payload.pop("conversationId")
        ack = mallory.emit(event, payload, callback=True)
        assert ack["success"] is False and ack["code"] == code, (event, ack)
        assert SECRET_TEXT not in str(ack)
    leaked = [e for e in bob.get_received() if e["name"] in {"userTyping", "newMessage"}]
    assert leaked == []
    seen_by_mallory = str(mallory.get_received())
    assert SECRET_TEXT not in seen_by_mallory
    bob.disconnect()
    mallory.disconnect()


def test_a_member_cannot_use_admin_or_author_rights(stack: Stack, scene: Scene) -> None:
    """Inside a conversation: rights by role (group admin, message author, uploader)."""
    alice_id = stack.login("MAT1001")["user"]["id"]
    rows = [
        (
            "POST",
            f"/conversations/{scene.group}/participants",
            {"json": {"userIds": [scene.mallory_id]}},
            "NOT_CONVERSATION_ADMIN",
        ),
        (
            "POST",
            f"/conversations/{scene.group}/participants",
            {"json": {"userIds": [scene.bob_id], "role": "admin"}},
            "NOT_CONVERSATION_ADMIN",
        ),
        (
            "DELETE",
            f"/conversations/{scene.group}/participants/{alice_id}",
            {},
            "NOT_CONVERSATION_ADMIN",
        ),
        (
            "PUT",
            f"/messages/{scene.group_message}",
            {"json": {"content": "réécrit"}},
            "NOT_MESSAGE_AUTHOR",
        ),
        ("DELETE", f"/messages/{scene.group_message}?scope=everyone", {}, "NOT_MESSAGE_AUTHOR"),
        ("DELETE", f"/files/{scene.file}", {}, "FILE_DELETE_FORBIDDEN"),
    ]
    for method, path, kwargs, code in rows:
        response = stack.chat.open(path, method=method, headers=bearer(scene.bob), **kwargs)
        assert (response.status_code, response.get_json()["code"]) == (403, code), (method, path)
    broadcast = stack.chat.post(
        "/broadcasts",
        json={"name": "Annonces", "recipients": [scene.bob_id]},
        headers=bearer(scene.alice),
    ).get_json()["data"]["id"]
    posted = stack.chat.post(
        "/messages",
        json={"conversationId": broadcast, "content": "je publie"},
        headers=bearer(scene.bob),
    )
    assert (posted.status_code, posted.get_json()["code"]) == (403, "BROADCAST_READ_ONLY")
    group = stack.chat.get(f"/conversations/{scene.group}", headers=bearer(scene.alice))
    assert group.get_json()["data"]["participants"]  # still intact
    history = stack.chat.get(f"/messages?conversationId={scene.group}", headers=bearer(scene.alice))
    assert [m["content"] for m in history.get_json()["data"]["messages"]] == [SECRET_TEXT + "-g"]
