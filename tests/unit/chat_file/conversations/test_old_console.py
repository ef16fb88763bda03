"""The old console against today's conversations (issue 24): its first private message (a
client-made `conversationId` with a `receiverId`), `_id` on conversations, the old list
shapes."""

from __future__ import annotations

import pytest

from services.chat_file.bootstrap import ChatServices
from services.chat_file.conversations.domain import errors

from ..conftest import who
from ..fakes import bearer
from .test_conversations import group

CLIENT_MADE = "65a1b2c3d4e5f6a7b8c9d0e1"  # 24 hex the console invented


def test_unknown_conversation_id_with_receiver_opens_the_pair(chat: ChatServices) -> None:
    first, created = chat.messages.send(
        who("alice"), conversation_id=CLIENT_MADE, receiver_id="bob", content="premier"
    )
    real = first["conversationId"]
    assert created and real != CLIENT_MADE
    assert chat.conversations.get(who("bob"), real)["type"] == "PRIVATE"
    with pytest.raises(errors.ConversationNotFoundError):
        chat.conversations.get(who("alice"), CLIENT_MADE)  # never adopted
    again, _ = chat.messages.send(
        who("bob"), conversation_id="0" * 24, receiver_id="alice", content="réponse"
    )
    assert again["conversationId"] == real  # the pair's one conversation


def test_someone_elses_conversation_id_with_receiver_goes_to_the_pair(
    chat: ChatServices,
) -> None:
    others = group(chat, members=("bob", "dave"))["id"]  # carol is not in it
    sent, _ = chat.messages.send(
        who("carol"), conversation_id=others, receiver_id="bob", content="salut"
    )
    assert sent["conversationId"] != others
    assert set(chat.conversations.get(who("carol"), sent["conversationId"])["participantIds"]) == {
        "carol",
        "bob",
    }
    history = chat.messages.history(who("alice"), others)
    assert history["messages"] == []  # nothing leaked into the group


def test_a_reachable_conversation_id_wins_over_the_receiver(chat: ChatServices) -> None:
    team = group(chat)["id"]
    sent, _ = chat.messages.send(
        who("alice"), conversation_id=team, receiver_id="bob", content="à l'équipe"
    )
    assert sent["conversationId"] == team


def test_without_receiver_an_unknown_id_is_still_not_found(chat: ChatServices) -> None:
    with pytest.raises(errors.ConversationNotFoundError):
        chat.messages.send(who("alice"), conversation_id=CLIENT_MADE, content="perdu")
    with pytest.raises(errors.InvalidIdError):  # a malformed id is not a client-made one
        chat.messages.send(
            who("alice"), conversation_id="pas-un-id", receiver_id="bob", content="x"
        )
    with pytest.raises(errors.EmptyContentError):  # no conversation opened for nothing
        chat.messages.send(
            who("alice"), conversation_id=CLIENT_MADE, receiver_id="carol", content=" "
        )
    assert chat.conversations.list_for(who("carol"))["conversations"] == []


def test_http_accepts_the_same_first_message(client) -> None:
    body = {"conversationId": CLIENT_MADE, "receiverId": "bob", "content": "premier"}
    answer = client.post("/messages", json=body, headers=bearer("alice"))
    assert answer.status_code == 201, answer.get_json()
    real = answer.get_json()["data"]["conversationId"]
    assert real != CLIENT_MADE
    listed = client.get("/conversations", headers=bearer("bob")).get_json()["data"]
    assert [c["id"] for c in listed["conversations"]] == [real]


def test_every_conversation_view_carries_underscore_id(client, chat: ChatServices) -> None:
    made = client.post(
        "/conversations", json={"type": "PRIVATE", "participantId": "bob"}, headers=bearer()
    ).get_json()["data"]
    assert made["_id"] == made["id"]
    one = client.get(f"/conversations/{made['id']}", headers=bearer()).get_json()["data"]
    assert one["_id"] == made["id"]
    listed = client.get("/conversations", headers=bearer()).get_json()["data"]
    assert [c["_id"] for c in listed["conversations"]] == [made["id"]]
    team = group(chat)
    assert team["_id"] == team["id"]


OLD_PAGE_KEYS = {"currentPage", "totalPages", "totalCount", "hasNext", "hasPrevious", "limit"}
OLD_PAGE_KEYS |= {"offset", "nextPage", "previousPage"}


def test_http_list_has_metadata_at_the_top_and_old_keys_in_pagination(client) -> None:
    for other in ("bob", "carol", "dave"):
        client.post(
            "/conversations", json={"type": "PRIVATE", "participantId": other}, headers=bearer()
        )
    answer = client.get("/conversations?page=2&limit=2", headers=bearer()).get_json()
    data, metadata = answer["data"], answer["metadata"]
    assert metadata["userId"] == "alice" and metadata["processingTime"] >= 0
    assert metadata["timestamp"].endswith("Z") or "+" in metadata["timestamp"]
    assert metadata["pagination"] == data["metadata"]["pagination"]  # both places
    old = metadata["pagination"]
    assert (old["currentPage"], old["previousPage"], old["nextPage"]) == (2, 1, None)
    pagination = data["pagination"]
    assert set(pagination) >= OLD_PAGE_KEYS
    assert (pagination["page"], pagination["total"], pagination["pages"]) == (2, 3, 2)
    assert (pagination["totalCount"], pagination["offset"], pagination["hasNext"]) == (3, 2, False)
