"""Issue 23, what one user could make of a message or a conversation (rows 4, 5, 6, 9, 10 and
the contacts of 15), tried through the real auth_user and chat_file apps (in process, real
Redis and database): each row's abuse is now refused or bounded."""

from __future__ import annotations

import io
import json
import secrets
from typing import Any

from .conftest import Stack, bearer


def socket_of(stack: Stack, token: str) -> Any:
    client = stack.chat_app.extensions["socketio"].test_client(
        stack.chat_app, auth={"token": token}
    )
    assert client.is_connected()
    return client


def received(client: Any, name: str) -> list[Any]:
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def test_row4_a_message_edited_120_times_keeps_a_bounded_history(stack: Stack) -> None:
    alice = stack.login("MAT1001")["accessToken"]
    bob = stack.login("MAT1002")
    text = "x" * 10_000
    sent = stack.chat.post(
        "/messages",
        json={"receiverId": bob["user"]["id"], "content": text},
        headers=bearer(alice),
    ).get_json()["data"]
    listener = socket_of(stack, bob["accessToken"])
    listener.get_received()
    for n in range(120):
        edited = stack.chat.put(
            f"/messages/{sent['id']}",
            json={"content": f"{n:05d}{text[5:]}"},
            headers=bearer(alice),
        )
        assert edited.status_code == 200, edited.get_json()
    events = received(listener, "message:edited")
    assert len(events) == 120
    assert all("editHistory" not in e for e in events)
    assert max(len(json.dumps(e)) for e in events) < 25_000  # was 75 MB in all, growing
    detail = stack.chat.get(f"/messages/{sent['id']}", headers=bearer(bob["accessToken"]))
    history = detail.get_json()["data"]["editHistory"]
    assert 0 < len(history) <= 20
    assert sum(len(h["content"].encode()) for h in history) <= 100_000
    assert history[-1]["content"].startswith("00118")  # the newest versions are the kept ones
    on_demand = listener.emit("getMessage", {"messageId": sent["id"]}, callback=True)
    assert on_demand["success"] and on_demand["message"]["editHistory"] == history
    listener.disconnect()


def test_row5_reactions_are_emoji_three_per_user_and_announced_as_changes(stack: Stack) -> None:
    alice = stack.login("MAT1001")
    bob = stack.login("MAT1002")["accessToken"]
    sent = stack.chat.post(
        "/messages",
        json={"receiverId": alice["user"]["id"], "content": "réagissez"},
        headers=bearer(bob),
    ).get_json()["data"]
    url = f"/messages/{sent['id']}/reactions"
    listener = socket_of(stack, alice["accessToken"])
    listener.get_received()
    for junk in ("a", "spam", "x" * 16, "👍👍", ":nope:", "\u202e", "<b>"):
        refused = stack.chat.post(url, json={"emoji": junk}, headers=bearer(bob))
        assert (refused.status_code, refused.get_json()["code"]) == (400, "INVALID_EMOJI")
    for emoji in ("👍", "🇨🇲", ":tada:"):
        assert stack.chat.post(url, json={"emoji": emoji}, headers=bearer(bob)).status_code == 200
    fourth = stack.chat.post(url, json={"emoji": "❤️"}, headers=bearer(bob))
    assert (fourth.status_code, fourth.get_json()["code"]) == (409, "TOO_MANY_REACTIONS")
    held = stack.chat.get(f"/messages/{sent['id']}", headers=bearer(bob)).get_json()["data"]
    assert len(held["reactions"]) == 3
    events = received(listener, "message:reaction")
    assert [(e["action"], e["emoji"], e["count"]) for e in events] == [
        ("add", "👍", 1),
        ("add", "🇨🇲", 1),
        ("add", ":tada:", 1),
    ]
    assert all("reactions" not in e and "content" not in e for e in events)
    listener.disconnect()


def test_row6_groups_of_unknown_or_too_many_ids_are_refused(stack: Stack) -> None:
    alice = stack.login("MAT1001")["accessToken"]
    bob = stack.login("MAT1002")["user"]["id"]
    flood = [secrets.token_hex(12) for _ in range(10_001)]
    refused = stack.chat.post(
        "/groups", json={"name": "x", "members": flood}, headers=bearer(alice)
    )
    assert (refused.status_code, refused.get_json()["code"]) == (400, "TOO_MANY_MEMBERS")
    ghosts = flood[:998]
    unknown = stack.chat.post(
        "/groups", json={"name": "x", "members": [bob, *ghosts]}, headers=bearer(alice)
    )
    assert (unknown.status_code, unknown.get_json()["code"]) == (404, "USER_NOT_FOUND")
    assert sorted(unknown.get_json()["errors"]["members"]) == sorted(ghosts)
    listed = stack.chat.get("/conversations", headers=bearer(alice)).get_json()["data"]
    assert all(c["name"] != "x" for c in listed["conversations"])


def test_row6_old_clients_matricules_make_a_group_of_real_members(stack: Stack) -> None:
    alice = stack.login("MAT1001")["accessToken"]
    marie, paul = stack.login("MAT1002"), stack.login("MAT1003")
    invited = socket_of(stack, marie["accessToken"])
    creator = socket_of(stack, alice)
    ack = creator.emit(
        "createGroup", {"name": "Équipe", "members": ["MAT1002", "MAT1003"]}, callback=True
    )
    assert ack["success"], ack
    ids = ack["conversation"]["participantIds"]
    assert ids[1:] == [marie["user"]["id"], paul["user"]["id"]]
    assert received(invited, "group:invitation")  # the member was really invited
    wrong = creator.emit("createGroup", {"name": "x", "members": ["MAT9999"]}, callback=True)
    assert not wrong["success"] and wrong["code"] == "USER_NOT_FOUND"
    creator.disconnect()
    invited.disconnect()


def test_row9_broadcast_recipients_read_only(stack: Stack) -> None:
    admin = stack.login("MAT1001")["accessToken"]
    bob, carol = stack.login("MAT1002"), stack.login("MAT1003")
    made = stack.chat.post(
        "/broadcasts",
        json={"name": "Annonces", "recipients": [bob["user"]["id"], carol["user"]["id"]]},
        headers=bearer(admin),
    ).get_json()["data"]
    cid, me = made["id"], bearer(bob["accessToken"])
    sent = stack.chat.post(
        "/messages", json={"conversationId": cid, "content": "note"}, headers=bearer(admin)
    ).get_json()["data"]
    upload = stack.chat.post(
        "/files/upload",
        data={"file": (io.BytesIO(b"tract " * 10), "tract.txt"), "conversationId": cid},
        headers=me,
        content_type="multipart/form-data",
    )
    assert (upload.status_code, upload.get_json()["code"]) == (403, "BROADCAST_READ_ONLY")
    listed = stack.chat.get(f"/files/conversation/{cid}", headers=bearer(admin)).get_json()
    assert listed["data"]["count"] == 0  # nothing was stored into the broadcast
    react = stack.chat.post(f"/messages/{sent['id']}/reactions", json={"emoji": "👍"}, headers=me)
    assert (react.status_code, react.get_json()["code"]) == (403, "BROADCAST_READ_ONLY")
    typist = socket_of(stack, bob["accessToken"])
    typed = typist.emit("typing", {"conversationId": cid}, callback=True)
    assert not typed["success"] and typed["code"] == "BROADCAST_READ_ONLY"
    typist.disconnect()
    seen = stack.chat.get(f"/conversations/{cid}", headers=me).get_json()["data"]
    assert seen["participantIds"] == [made["createdBy"]]
    assert [p["userId"] for p in seen["participants"]] == [made["createdBy"]]
    stack.chat.put(f"/conversations/{cid}/read", json={}, headers=bearer(carol["accessToken"]))
    page = stack.chat.get(f"/messages?conversationId={cid}", headers=me).get_json()["data"]
    assert page["messages"][0]["readBy"] == {}
    mine = stack.chat.get(f"/messages/{sent['id']}", headers=bearer(admin)).get_json()["data"]
    assert list(mine["readBy"]) == [carol["user"]["id"]]  # the admin still sees who read


def test_row10_delete_for_everyone_unlinks_the_attachment(stack: Stack) -> None:
    alice = stack.login("MAT1001")["accessToken"]
    bob = stack.login("MAT1002")
    uploaded = stack.chat.post(
        "/files/upload",
        data={"file": (io.BytesIO(b"confidentiel " * 8), "note.txt")},
        headers=bearer(alice),
        content_type="multipart/form-data",
    ).get_json()["data"]
    sent = stack.chat.post(
        "/messages",
        json={"receiverId": bob["user"]["id"], "type": "FILE", "fileId": uploaded["id"]},
        headers=bearer(alice),
    ).get_json()["data"]
    cid, reader = sent["conversationId"], bearer(bob["accessToken"])
    assert stack.chat.get(f"/files/{uploaded['id']}/download", headers=reader).status_code == 200
    gone = stack.chat.delete(f"/messages/{sent['id']}?scope=everyone", headers=bearer(alice))
    assert gone.status_code == 200
    download = stack.chat.get(f"/files/{uploaded['id']}/download", headers=reader)
    assert (download.status_code, download.get_json()["code"]) == (404, "FILE_NOT_FOUND")
    listed = stack.chat.get(f"/files/conversation/{cid}", headers=reader).get_json()["data"]
    assert listed["count"] == 0


def test_row15_an_empty_or_one_sided_private_conversation_makes_no_contact(
    stack: Stack,
) -> None:
    stranger = stack.new_user()
    target = stack.new_user()
    watched = socket_of(stack, target[1])

    def contacts() -> list[str]:
        ack = watched.emit("getOnlineUsers", {}, callback=True)
        return [u["userId"] for u in ack["contacts"]]

    opened = stack.chat.post(
        "/conversations",
        json={"type": "PRIVATE", "participantId": target[0]},
        headers=bearer(stranger[1]),
    ).get_json()["data"]
    assert stranger[0] not in contacts()
    body = {"conversationId": opened["id"], "content": "vous êtes en ligne ?"}
    stack.chat.post("/messages", json=body, headers=bearer(stranger[1]))
    assert stranger[0] not in contacts()  # writing into the void makes no contact
    reply = {"conversationId": opened["id"], "content": "oui"}
    stack.chat.post("/messages", json=reply, headers=bearer(target[1]))
    assert stranger[0] in contacts()
    watched.disconnect()
