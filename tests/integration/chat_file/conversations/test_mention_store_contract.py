"""Mentions in storage on every backend: the mentioned ids kept on a message (MessageStore)
and the per-user mention index (MentionStore) behind the unread-mention counts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from services.chat_file.conversations.domain.model import Message, MessageType
from services.chat_file.storage.stores import ChatStores

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def ids(n: int) -> list[str]:
    return [uuid.uuid4().hex[:24] for _ in range(n)]


def test_a_message_keeps_its_mentions(stores: ChatStores) -> None:
    (cid,) = ids(1)
    mentioned = [f"u{uuid.uuid4().hex[:8]}", f"u{uuid.uuid4().hex[:8]}"]
    message = Message(stores.messages.new_id(), cid, "alice", "@x @y", MessageType.TEXT, NOW)
    message.mentions = list(mentioned)
    stores.messages.insert(message)
    plain = Message(stores.messages.new_id(), cid, "alice", "rien", MessageType.TEXT, NOW)
    stores.messages.insert(plain)
    got, other = stores.messages.get(message.id), stores.messages.get(plain.id)
    assert got is not None and got.mentions == mentioned
    assert other is not None and other.mentions == []


def test_unread_mentions_count_what_lies_after_the_read_pointer(stores: ChatStores) -> None:
    bob, carol = f"u{uuid.uuid4().hex[:8]}", f"u{uuid.uuid4().hex[:8]}"
    c1, c2, c3, m1, m2, m3 = ids(6)
    stores.mentions.add(c1, m1, 3, [bob, carol])
    stores.mentions.add(c1, m2, 5, [bob])
    stores.mentions.add(c1, m2, 5, [bob])  # idempotent
    stores.mentions.add(c2, m3, 1, [bob])
    stores.mentions.add(c3, m3, 1, [])
    assert stores.mentions.unread_counts(bob, {c1: 0, c2: 0, c3: 0}) == {c1: 2, c2: 1}
    assert stores.mentions.unread_counts(bob, {c1: 3, c2: 1}) == {c1: 1}
    assert stores.mentions.unread_counts(carol, {c1: 2}) == {c1: 1}
    assert stores.mentions.unread_counts(bob, {}) == {}


def test_remove_forgets_those_users_for_that_message_only(stores: ChatStores) -> None:
    bob, carol, dave = (f"u{uuid.uuid4().hex[:8]}" for _ in range(3))
    c1, c2, m1, m2, m3 = ids(5)
    stores.mentions.add(c1, m1, 3, [bob, carol])
    stores.mentions.add(c1, m2, 5, [bob])
    stores.mentions.add(c2, m3, 3, [bob])
    stores.mentions.remove(c1, 3, [bob, dave])  # dave had no row: ignored
    stores.mentions.remove(c1, 4, [carol])  # no such message: nothing
    stores.mentions.remove(c1, 3, [])
    assert stores.mentions.unread_counts(bob, {c1: 0, c2: 0}) == {c1: 1, c2: 1}
    assert stores.mentions.unread_counts(carol, {c1: 0}) == {c1: 1}
    stores.mentions.add(c1, m1, 3, [bob])  # mentioned again by a later edit
    assert stores.mentions.unread_counts(bob, {c1: 0}) == {c1: 2}
