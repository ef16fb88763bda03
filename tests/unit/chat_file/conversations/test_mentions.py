"""Mentions through the HTTP API over the in-memory stores: resolution, views, unread counts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.chat_file.conversations.application.mentions import Mentions
from services.chat_file.conversations.domain.model import Message, MessageType
from tests.fake_push_stores import FakeMentionStore

from ..fakes import bearer

NOW = datetime(2026, 12, 3, tzinfo=UTC)


def group(client: FlaskClient, admin: str = "alice") -> str:
    body = {"type": "GROUP", "name": "Équipe", "members": ["bob", "carol"]}
    return str(
        client.post("/conversations", json=body, headers=bearer(admin)).get_json()["data"]["id"]
    )


def send(client: FlaskClient, cid: str, content: str, user: str = "alice", **extra: Any) -> dict:
    body = {"conversationId": cid, "content": content, **extra}
    response = client.post("/messages", json=body, headers=bearer(user))
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json()["data"])


def unread_mentions(client: FlaskClient, user: str) -> dict[str, int]:
    listing = client.get("/conversations", headers=bearer(user)).get_json()["data"]
    return {c["id"]: c["unreadMentions"] for c in listing["conversations"]}


@pytest.mark.parametrize(
    ("content", "extra", "mentioned"),
    [
        ("Bonjour @MAT-bob", {}, ["bob"]),
        ("@mat-carol et @MAT-bob, vous venez ?", {}, ["bob", "carol"]),
        ("mail alice@MAT-bob.cm", {}, []),
        ("@MAT-dave n'est pas là", {}, []),
        ("Bonjour", {"mentions": ["carol", "dave", "alice"]}, ["carol"]),
        ("@tous réunion", {}, ["bob", "carol"]),
        ("@all réunion", {}, ["bob", "carol"]),
    ],
)
def test_mentions_resolve_to_participants_other_than_the_sender(
    client: FlaskClient, content: str, extra: dict, mentioned: list[str]
) -> None:
    message = send(client, group(client), content, **extra)
    assert message["mentions"] == mentioned


def test_only_group_admins_can_mention_everyone(client: FlaskClient) -> None:
    cid = group(client)
    assert send(client, cid, "@tous attention", user="bob")["mentions"] == []
    private = client.post(
        "/conversations", json={"type": "PRIVATE", "participantId": "bob"}, headers=bearer("alice")
    ).get_json()["data"]["id"]
    assert send(client, private, "@tous")["mentions"] == []


def test_mentions_are_returned_in_history(client: FlaskClient) -> None:
    cid = group(client)
    sent = send(client, cid, "Voir @MAT-carol")
    page = client.get(f"/messages?conversationId={cid}", headers=bearer("bob")).get_json()["data"]
    assert [m["mentions"] for m in page["messages"]] == [["carol"]]
    got = client.get(f"/messages/{sent['id']}", headers=bearer("bob")).get_json()["data"]
    assert got["mentions"] == ["carol"]


def test_unread_mentions_per_conversation_until_read(client: FlaskClient) -> None:
    cid, other = group(client), group(client)
    send(client, cid, "@MAT-bob un")
    send(client, cid, "sans mention")
    send(client, cid, "@MAT-bob deux")
    send(client, other, "@MAT-carol")
    assert unread_mentions(client, "bob") == {cid: 2, other: 0}
    assert unread_mentions(client, "carol")[other] == 1
    client.put(f"/conversations/{cid}/read", headers=bearer("bob"))
    assert unread_mentions(client, "bob") == {cid: 0, other: 0}


def test_a_bad_mentions_list_is_a_validation_error(client: FlaskClient) -> None:
    body = {"conversationId": group(client), "content": "x", "mentions": "bob"}
    response = client.post("/messages", json=body, headers=bearer("alice"))
    assert response.status_code == 400 and response.get_json()["code"] == "VALIDATION_ERROR"


def edit(client: FlaskClient, message_id: str, user: str = "alice", **body: Any) -> Any:
    return client.put(f"/messages/{message_id}", json=body, headers=bearer(user))


def test_an_edit_resolves_the_mentions_again_and_the_counts_follow(client: FlaskClient) -> None:
    cid = group(client)
    sent = send(client, cid, "Bonjour @MAT-bob")
    assert unread_mentions(client, "bob")[cid] == 1
    reply = edit(client, sent["id"], content="Bonjour @MAT-carol")
    assert reply.status_code == 200 and reply.get_json()["data"]["mentions"] == ["carol"]
    assert unread_mentions(client, "bob")[cid] == 0  # taken out of the text
    assert unread_mentions(client, "carol")[cid] == 1  # put in
    got = client.get(f"/messages/{sent['id']}", headers=bearer("bob")).get_json()["data"]
    assert got["mentions"] == ["carol"]
    edit(client, sent["id"], content="Plus personne")
    assert unread_mentions(client, "carol")[cid] == 0


def test_an_edit_takes_the_structured_mentions_like_a_send(client: FlaskClient) -> None:
    cid = group(client)
    sent = send(client, cid, "Bonjour")
    reply = edit(client, sent["id"], content="Bonjour !", mentions=["carol", "dave", "alice"])
    assert reply.get_json()["data"]["mentions"] == ["carol"]
    assert unread_mentions(client, "carol")[cid] == 1
    bad = edit(client, sent["id"], content="x", mentions="bob")
    assert bad.status_code == 400 and bad.get_json()["code"] == "VALIDATION_ERROR"


def test_everyone_on_edit_needs_a_group_admin_as_on_send(client: FlaskClient) -> None:
    cid = group(client)
    by_admin = send(client, cid, "réunion")
    assert edit(client, by_admin["id"], content="@tous réunion").get_json()["data"]["mentions"] == [
        "bob",
        "carol",
    ]
    by_member = send(client, cid, "réunion", user="bob")
    answer = edit(client, by_member["id"], user="bob", newContent="@all réunion").get_json()
    assert answer["data"]["mentions"] == []
    assert unread_mentions(client, "carol")[cid] == 1 and unread_mentions(client, "alice")[cid] == 0


def test_an_edited_mention_counts_only_after_the_read_pointer(client: FlaskClient) -> None:
    cid = group(client)
    sent = send(client, cid, "Bonjour")
    client.put(f"/conversations/{cid}/read", headers=bearer("bob"))
    reply = edit(client, sent["id"], content="Bonjour @MAT-bob")
    assert reply.get_json()["data"]["mentions"] == ["bob"]
    assert unread_mentions(client, "bob")[cid] == 0  # already read: nothing new to see
    assert unread_mentions(client, "carol")[cid] == 0


def test_the_edited_event_carries_the_new_mentions_and_nothing_is_pushed(
    client: FlaskClient, fakes: dict[str, Any]
) -> None:
    cid = group(client)
    sent = send(client, cid, "Bonjour @MAT-bob")
    pushed = list(fakes["push_outbox"].events)
    edit(client, sent["id"], content="Bonjour @MAT-carol")
    event, payload, _ = fakes["notifier"].events[-1]
    assert event == "message:edited" and payload["mentions"] == ["carol"]
    assert fakes["push_outbox"].events == pushed  # an edit does not push (docs/push.md)


class CountingMentionStore(FakeMentionStore):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def add(self, conversation_id: str, message_id: str, seq: int, user_ids: list[str]) -> None:
        self.writes += 1
        super().add(conversation_id, message_id, seq, user_ids)

    def remove(self, conversation_id: str, seq: int, user_ids: list[str]) -> None:
        self.writes += 1
        super().remove(conversation_id, seq, user_ids)


def test_an_edit_that_keeps_the_mentions_writes_nothing_to_the_index() -> None:
    store = CountingMentionStore()
    mentions = Mentions(store, directory=None)  # type: ignore[arg-type]  # resolve is not called
    message = Message("m1", "c1", "alice", "@MAT-bob", MessageType.TEXT, NOW, seq=3)
    message.mentions = ["bob", "carol"]
    mentions.record(message)
    mentions.rerecord(message, before=["carol", "bob"])
    assert store.writes == 1
    message.mentions = ["carol"]
    mentions.rerecord(message, before=["bob", "carol"])
    assert store.writes == 3 and store.rows == {("carol", "c1", 3)}
