"""MessageAppender on every backend: the SQL stores' one-transaction appender, and the
step-by-step one the Mongo adapter and the fakes use. Same observable result: the message
stored with the next number, the conversation's lastMessage, the sender's read pointer; a taken
temporaryId stores nothing and takes no number."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from services.chat_file.conversations.application.appending import StepwiseAppender
from services.chat_file.conversations.application.ports import (
    DuplicateMessageError,
    MessageAppender,
)
from services.chat_file.conversations.domain.model import Message, MessageType
from services.chat_file.storage.stores import ChatStores

from .test_store_contract import NOW, group, users


def appender(stores: ChatStores) -> MessageAppender:
    return stores.appender or StepwiseAppender(stores.conversations, stores.messages)


def message(stores: ChatStores, cid: str, sender: str, text: str, **kw: Any) -> Message:
    return Message(stores.messages.new_id(), cid, sender, text, MessageType.TEXT, NOW, **kw)


def summary(m: Message) -> dict[str, Any]:
    return {"id": m.id, "senderId": m.sender_id, "content": m.content, "createdAt": m.created_at}


def test_append_numbers_stores_and_marks_the_sender_read(stores: ChatStores) -> None:
    a, b, _ = users()
    g = group(stores, [a, b])
    first = appender(stores).append(message(stores, g.id, a, "un"), {"id": "x"})
    later = message(stores, g.id, b, "deux")
    later.created_at = NOW + timedelta(seconds=1)
    second = appender(stores).append(later, summary(later))
    assert (first.seq, second.seq) == (1, 2)
    stored = stores.messages.get(second.id)
    assert stored is not None and (stored.seq, stored.content) == (2, "deux")
    got = stores.conversations.get(g.id)
    assert got is not None
    assert (got.seq, got.last_message, got.last_activity) == (2, summary(later), later.created_at)
    assert got.receipt(b).read_up_to == 2 and got.receipt(b).last_read_id == second.id
    assert got.receipt(a).read_up_to == 1  # the other member's pointer is untouched
    assert got.unread_for(a) == 1


def test_a_taken_temporary_id_stores_nothing_and_takes_no_number(stores: ChatStores) -> None:
    a, b, _ = users()
    g = group(stores, [a, b])
    kept = appender(stores).append(message(stores, g.id, a, "un", temporary_id="t1"), {})
    again = message(stores, g.id, a, "bis", temporary_id="t1")
    with pytest.raises(DuplicateMessageError):
        appender(stores).append(again, {"id": again.id})
    assert stores.messages.get(again.id) is None
    got = stores.conversations.get(g.id)
    assert got is not None and got.seq == kept.seq == 1
    assert appender(stores).append(message(stores, g.id, b, "trois"), {}).seq == 2


def test_append_records_the_sender_as_having_written(stores: ChatStores) -> None:
    a, b, _ = users()
    g = group(stores, [a, b])
    first = message(stores, g.id, a, "un")
    appender(stores).append(first, summary(first))
    got = stores.conversations.get(g.id)
    assert got is not None and got.posters == frozenset({a})
