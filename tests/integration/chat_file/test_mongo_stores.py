"""The Mongo stores on mongomock (always) and on a real server when MONGODB_URI is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import mongomock
import pytest

from services.chat_file.application.ports import DuplicateMessageError
from services.chat_file.domain.model import (
    Conversation,
    ConversationType,
    Message,
    MessageType,
    ReceiptStatus,
)
from services.chat_file.infrastructure.mongo_conversations import MongoConversationStore
from services.chat_file.infrastructure.mongo_messages import MongoMessageStore

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(params=["mongomock", "pymongo"])
def db(request: pytest.FixtureRequest) -> Iterator[Any]:
    if request.param == "mongomock":
        yield mongomock.MongoClient(tz_aware=True)["chat_store_test"]
        return
    uri = os.environ.get("MONGODB_URI")
    if not uri:
        pytest.skip("MONGODB_URI not set: no real MongoDB server")
    import pymongo

    client: Any = pymongo.MongoClient(uri, serverSelectionTimeoutMS=3000, tz_aware=True)
    name = f"chat_test_{uuid.uuid4().hex[:8]}"
    yield client[name]
    client.drop_database(name)


@pytest.fixture
def stores(db: Any) -> tuple[MongoConversationStore, MongoMessageStore]:
    conversations, messages = MongoConversationStore(db), MongoMessageStore(db)
    conversations.ensure_indexes()
    messages.ensure_indexes()
    return conversations, messages


def group(store: MongoConversationStore, members=("a", "b", "c")) -> Conversation:
    conversation = Conversation(
        id="",
        type=ConversationType.GROUP,
        participants=list(members),
        admins=[members[0]],
        created_by=members[0],
        created_at=NOW,
        last_activity=NOW,
        name="g",
    )
    return store.create(conversation)


def message(store: MongoMessageStore, cid: str, sender: str = "a", **kw: Any) -> Message:
    m = Message(store.new_id(), cid, sender, kw.pop("content", "hi"), MessageType.TEXT, NOW, **kw)
    return store.insert(m)


def test_private_conversation_is_unique_per_pair(stores) -> None:
    conversations, _ = stores
    first, created = conversations.get_or_create_private("b", "a", NOW)
    again, created_again = conversations.get_or_create_private("a", "b", NOW)
    assert created and not created_again and first.id == again.id
    assert first.participants == ["a", "b"]


def test_temporary_id_is_unique_per_sender(stores) -> None:
    conversations, messages = stores
    cid = group(conversations).id
    message(messages, cid, "a", temporary_id="t1")
    with pytest.raises(DuplicateMessageError):
        message(messages, cid, "a", temporary_id="t1")
    message(messages, cid, "b", temporary_id="t1")
    message(messages, cid, "a")
    message(messages, cid, "a")  # no temporaryId: never a duplicate
    assert messages.find_by_temporary_id("a", "t1") is not None


def test_pages_follow_ids_even_when_timestamps_tie(stores) -> None:
    conversations, messages = stores
    cid = group(conversations).id
    ids = [message(messages, cid, content=str(n)).id for n in range(9)]  # same createdAt
    older = messages.page(cid, "a", None, 4, newer=False)
    assert [m.id for m in older] == ids[::-1][:4]
    rest = messages.page(cid, "a", older[-1].id, 10, newer=False)
    assert [m.id for m in older + rest] == ids[::-1]
    newer = messages.page(cid, "a", ids[3], 3, newer=True)
    assert [m.id for m in newer] == ids[4:7]


def test_seq_and_read_marks_only_move_forward(stores) -> None:
    conversations, _ = stores
    cid = group(conversations).id
    seqs = [conversations.next_seq(cid, {"n": n}, NOW) for n in range(3)]
    assert seqs == [1, 2, 3]
    conversations.mark_read(cid, "b", 2, "m2")
    conversations.mark_read(cid, "b", 1, "m1")
    stored = conversations.get(cid)
    assert stored is not None
    assert stored.read_seq["b"] == 2 and stored.last_read["b"] == "m2"
    assert (stored.unread_for("b"), stored.unread_for("c")) == (1, 3)
    assert conversations.unread_totals("c") == (3, 1)


def test_receipts_reactions_edit_delete_and_hide(stores) -> None:
    conversations, messages = stores
    cid = group(conversations).id
    m = message(messages, cid, content="v1", seq=1)
    messages.set_receipt(m.id, "b", ReceiptStatus.READ, NOW)
    messages.mark_read_up_to(cid, "c", 1, NOW)
    updated = messages.get(m.id)
    assert updated is not None and set(updated.read_by) == {"b", "c"}
    assert messages.react(m.id, "b", "👍", add=True).reactions == [{"userId": "b", "emoji": "👍"}]
    edited = messages.edit(m.id, "v2", {"content": "v1", "editedAt": NOW}, NOW)
    assert (
        edited is not None and edited.content == "v2" and edited.edit_history[0]["content"] == "v1"
    )
    messages.hide_for(m.id, "b")
    assert messages.page(cid, "b", None, 10, newer=False) == []
    deleted = messages.delete_for_everyone(m.id, NOW)
    assert deleted is not None and deleted.deleted and deleted.content == ""


def test_search_escapes_the_pattern_and_stays_in_given_conversations(stores) -> None:
    conversations, messages = stores
    mine, other = group(conversations).id, group(conversations, ("x", "y")).id
    message(messages, mine, content="Budget (2026) v1.2")
    message(messages, mine, content="Budget 2026 v112")
    message(messages, other, content="Budget (2026) v1.2")
    found = messages.search([mine], "a", "(2026) V1.2", 10)
    assert [m.content for m in found] == ["Budget (2026) v1.2"]


def test_participants_added_start_with_nothing_unread(stores) -> None:
    conversations, _ = stores
    cid = group(conversations).id
    conversations.next_seq(cid, {}, NOW)
    updated = conversations.add_participants(cid, ["d"], ["d"])
    assert updated is not None and updated.unread_for("d") == 0 and updated.is_admin("d")
    removed = conversations.remove_participant(cid, "d")
    assert removed is not None and "d" not in removed.participants and "d" not in removed.admins
    assert conversations.ids_for("a") == [cid]
