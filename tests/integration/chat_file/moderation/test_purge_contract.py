"""The storage contract of retention's purge (MessagePurge) on every backend (the `stores`
fixture: fakes, SQLite, PostgreSQL, mongomock, MongoDB if set): batches of at most `limit`,
oldest first; mentions, hidden marks and search rows go with the messages; unread counts and
last messages stay right; excluded conversations are kept; a rerun deletes nothing.

The databases are shared by the session: the messages here are dated 2000, long before any
other test's, and every cut-off is in 2000."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from services.chat_file.conversations.domain.model import (
    Conversation,
    ConversationType,
    Message,
    MessageType,
)
from services.chat_file.storage.stores import ChatStores

OLD = datetime(2000, 1, 1, tzinfo=UTC)
CUT = datetime(2000, 6, 1, tzinfo=UTC)
NEW = datetime(2000, 12, 1, tzinfo=UTC)


def users(n: int = 3) -> list[str]:
    tag = uuid.uuid4().hex[:8]
    return [f"p{tag}{i}" for i in range(n)]


def group(stores: ChatStores, members: list[str]) -> Conversation:
    conversation = Conversation(
        id="",
        type=ConversationType.GROUP,
        participants=list(members),
        admins=[members[0]],
        created_by=members[0],
        created_at=OLD,
        last_activity=OLD,
        name="Retenue",
    )
    return stores.conversations.create(conversation)


def post(stores: ChatStores, cid: str, sender: str, at: datetime, text: str, **kw: Any) -> Message:
    m = Message(stores.messages.new_id(), cid, sender, text, MessageType.TEXT, at, **kw)
    stores.messages.insert(m)
    summary = {"id": m.id, "senderId": sender, "content": text, "createdAt": at}
    m.seq = stores.conversations.next_seq(cid, summary, at)
    stores.messages.set_seq(m.id, m.seq)
    return m


def test_a_purge_in_batches_keeps_counts_and_last_messages_right(stores: ChatStores) -> None:
    a, b, c = users()
    word = f"zq{uuid.uuid4().hex[:6]}"
    g, h = group(stores, [a, b, c]), group(stores, [a, b])
    old = [post(stores, g.id, a, OLD + timedelta(minutes=i), f"{word} {i}") for i in range(5)]
    with_file = post(stores, g.id, a, OLD + timedelta(hours=1), "pj", file_id=f"f{word}")
    stores.mentions.add(g.id, old[0].id, old[0].seq, [c])
    stores.messages.hide_for(old[1].id, b)
    gone_h = [post(stores, h.id, a, OLD + timedelta(minutes=i), "h") for i in range(2)]
    kept = [post(stores, g.id, a, NEW + timedelta(minutes=i), f"new {i}") for i in range(2)]
    kept_file = post(stores, g.id, b, NEW, "pj", file_id=f"k{word}")
    assert stores.conversations.unread_totals(b)[0] >= 9

    batches = []
    while True:
        done = stores.purge.purge(CUT, 3, excluded=[h.id])
        if not done.messages:
            break
        batches.append(done)
    assert [d.messages for d in batches] == [3, 3]
    assert [f for d in batches for f in d.file_ids] == [f"f{word}"]
    for m in [*old, with_file]:
        assert stores.messages.get(m.id) is None
    assert all(stores.messages.get(m.id) for m in [*gone_h, *kept, kept_file])
    assert stores.purge.purge(CUT, 3, excluded=[h.id]).messages == 0  # a rerun: nothing

    g_now = stores.conversations.get(g.id)
    assert g_now is not None and g_now.last_message and g_now.last_message["id"] == kept_file.id
    read_g = {g.id: g_now.receipt(c).read_up_to}
    assert stores.mentions.unread_counts(c, read_g).get(g.id, 0) == 0
    assert g_now.receipt(b).read_up_to == with_file.seq  # past the purged, not further
    assert stores.messages.search(a, word, 10, conversation_id=g.id)[0] == []

    done = stores.purge.purge(CUT, 1000, conversation_id=h.id)
    assert done.messages == 2 and done.file_ids == []
    h_now = stores.conversations.get(h.id)
    assert h_now is not None and h_now.last_message is None
    unread, conversations = stores.conversations.unread_totals(b)
    assert unread == 3 and conversations == 1  # the three kept in g (post() marks nothing read)
    assert stores.purge.attached([f"f{word}", f"k{word}", "nothing"]) == {f"k{word}"}
