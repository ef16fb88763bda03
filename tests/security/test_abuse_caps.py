"""Issue 23, what one user could make of a message or a conversation (rows 4, 5, 6, 9, 10 and
the contacts of 15), tried through the real auth_user and chat_file apps (in process, real
Redis and database): each row's abuse is now refused or bounded."""

from __future__ import annotations

import json
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
