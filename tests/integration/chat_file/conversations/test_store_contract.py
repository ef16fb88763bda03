"""The storage contract of chat_file: every method of every port, on every backend.

ConversationStore (14 methods), MessageStore (14), FileMetadataStore (6). Parametrised by the
`stores` fixture (conftest.py): fakes, SQLite, PostgreSQL, mongomock, real MongoDB if set.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.chat_file.conversations.application.ports import DuplicateMessageError
from services.chat_file.conversations.domain.errors import TooManyReactionsError
from services.chat_file.conversations.domain.model import (
    Conversation,
    ConversationType,
    Message,
    MessageEdit,
    MessageType,
)
from services.chat_file.files.domain.model import FileKind, FileRecord, new_file_id
from services.chat_file.storage.stores import ChatStores

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def users(n: int = 3) -> list[str]:
    tag = uuid.uuid4().hex[:8]
    return [f"u{tag}{i}" for i in range(n)]


def group(stores: ChatStores, members: list[str], at: datetime = NOW) -> Conversation:
    conversation = Conversation(
        id="",
        type=ConversationType.GROUP,
        participants=list(members),
        admins=[members[0]],
        created_by=members[0],
        created_at=at,
        last_activity=at,
        name="Équipe",
    )
    return stores.conversations.create(conversation)


def post(stores: ChatStores, cid: str, sender: str, content: str = "hi", **kw: Any) -> Message:
    """Stored and numbered, as MessageService does it."""
    m = Message(stores.messages.new_id(), cid, sender, content, MessageType.TEXT, NOW, **kw)
    stores.messages.insert(m)
    summary = {"id": m.id, "senderId": sender, "content": content, "createdAt": NOW}
    m.seq = stores.conversations.next_seq(cid, summary, NOW)
    stores.messages.set_seq(m.id, m.seq)
    return m


# --- ConversationStore ---------------------------------------------------------------------


def test_create_and_get_keep_every_field(stores: ChatStores) -> None:
    a, b, c = users()
    made = group(stores, [a, b, c])
    assert len(made.id) == 24
    got = stores.conversations.get(made.id)
    assert got is not None
    assert (got.type, got.name, got.participants, got.admins) == (
        ConversationType.GROUP,
        "Équipe",
        [a, b, c],
        [a],
    )
    assert got.created_at == NOW and got.last_activity == NOW and got.seq == 0
    assert got.unread_for(b) == 0 and got.receipt(b).read_up_to == 0


def test_get_unknown_is_none_and_get_many_skips_it(stores: ChatStores) -> None:
    a, b, _ = users()
    one, two = group(stores, [a, b]), group(stores, [b, a])
    missing = "0" * 24
    assert stores.conversations.get(missing) is None
    found = stores.conversations.get_many([one.id, two.id, missing, one.id])
    assert set(found) == {one.id, two.id}
    assert stores.conversations.get_many([]) == {}


def test_private_conversation_is_unique_per_pair(stores: ChatStores) -> None:
    a, b, _ = users()
    first, created = stores.conversations.get_or_create_private(b, a, NOW)
    again, created_again = stores.conversations.get_or_create_private(a, b, NOW)
    assert created and not created_again and first.id == again.id
    assert first.type is ConversationType.PRIVATE and sorted(first.participants) == [a, b]


def test_list_for_is_by_last_activity_with_total(stores: ChatStores) -> None:
    a, b, c = users()
    old = group(stores, [a, b], NOW - timedelta(days=2))
    new = group(stores, [a, c], NOW - timedelta(days=1))
    group(stores, [b, c])  # not a's
    post(stores, old.id, b)  # activity moves `old` to the top
    rows, total = stores.conversations.list_for(a, 0, 10)
    assert [r.id for r in rows] == [old.id, new.id] and total == 2
    second_page, _ = stores.conversations.list_for(a, 1, 1)
    assert [r.id for r in second_page] == [new.id]


def test_unread_totals_and_ids_for(stores: ChatStores) -> None:
    a, b, c = users()
    one, two = group(stores, [a, b, c]), group(stores, [b, a])
    for _ in range(3):
        post(stores, one.id, b)
    post(stores, two.id, b)
    assert stores.conversations.unread_totals(a) == (4, 2)
    assert stores.conversations.unread_totals(users(1)[0]) == (0, 0)
    assert sorted(stores.conversations.ids_for(a)) == sorted([one.id, two.id])


def test_circle_of_gives_rooms_and_contacts_at_once(stores: ChatStores) -> None:
    a, b, c, d = users(4)
    one, two = group(stores, [a, b, c]), group(stores, [d, a])
    group(stores, [b, c, d])  # a is not in it: none of it counts
    private, _ = stores.conversations.get_or_create_private(a, c, NOW)
    circle = stores.conversations.circle_of(a)
    assert sorted(circle.conversation_ids) == sorted([one.id, two.id, private.id])
    assert circle.contacts == {a, b, c, d}
    stores.conversations.remove_participant(two.id, a)
    after = stores.conversations.circle_of(a)
    assert sorted(after.conversation_ids) == sorted([one.id, private.id])
    assert after.contacts == {a, b, c}
    assert stores.conversations.circle_of(users(1)[0]).conversation_ids == ()


def test_circle_contacts_follow_the_presence_rules(stores: ChatStores) -> None:
    """A private chat makes contacts once both have written; a broadcast's recipients meet its
    admins only, its admins meet everyone (shares_presence, in the store's one query)."""
    a, b, admin, r1, r2 = users(5)
    private, _ = stores.conversations.get_or_create_private(a, b, NOW)
    assert stores.conversations.circle_of(a).contacts == {a}
    post(stores, private.id, a)
    assert stores.conversations.circle_of(b).contacts == {b}  # one side only: not yet
    post(stores, private.id, b)
    assert stores.conversations.circle_of(a).contacts == {a, b}
    assert stores.conversations.circle_of(b).contacts == {a, b}
    broadcast = Conversation(
        id="",
        type=ConversationType.BROADCAST,
        participants=[admin, r1, r2],
        admins=[admin],
        created_by=admin,
        created_at=NOW,
        last_activity=NOW,
        name="Circulaire",
    )
    made = stores.conversations.create(broadcast)
    assert stores.conversations.circle_of(r1).contacts == {r1, admin}
    assert made.id in stores.conversations.circle_of(r1).conversation_ids
    assert stores.conversations.circle_of(admin).contacts == {admin, r1, r2}


def test_add_participants_start_with_nothing_unread_and_can_be_promoted(
    stores: ChatStores,
) -> None:
    a, b, c = users()
    g = group(stores, [a, b])
    post(stores, g.id, a)
    post(stores, g.id, a)
    added = stores.conversations.add_participants(g.id, [c, b], [])
    assert added is not None and added.participants == [a, b, c]
    assert added.unread_for(c) == 0 and added.unread_for(b) == 2
    promoted = stores.conversations.add_participants(g.id, [b], [b])
    assert promoted is not None and promoted.admins == [a, b] and promoted.participants == [a, b, c]
    assert stores.conversations.add_participants("0" * 24, [c], []) is None


def test_remove_participant(stores: ChatStores) -> None:
    a, b, c = users()
    g = group(stores, [a, b, c])
    left = stores.conversations.remove_participant(g.id, b)
    assert left is not None and left.participants == [a, c] and b not in left.receipts
    assert stores.conversations.ids_for(b) == []
    assert stores.conversations.remove_participant("0" * 24, b) is None


def test_next_seq_counts_and_keeps_the_last_message(stores: ChatStores) -> None:
    a, b, _ = users()
    g = group(stores, [a, b])
    later = NOW + timedelta(minutes=5)
    summary = {"id": "f" * 24, "senderId": a, "content": "salut", "createdAt": later}
    assert stores.conversations.next_seq(g.id, summary, later) == 1
    assert stores.conversations.next_seq(g.id, summary, later) == 2
    got = stores.conversations.get(g.id)
    assert got is not None and got.seq == 2 and got.last_activity == later
    assert got.last_message == summary  # the datetime inside comes back as a datetime
    assert stores.conversations.next_seq("0" * 24, summary, later) == 0


def test_mark_read_moves_the_pointer_forward_only(stores: ChatStores) -> None:
    a, b, _ = users()
    g = group(stores, [a, b])
    msgs = [post(stores, g.id, a) for _ in range(4)]
    assert stores.conversations.mark_read(g.id, b, 3, msgs[2].id, NOW)
    assert not stores.conversations.mark_read(g.id, b, 2, msgs[1].id, NOW)  # never backwards
    got = stores.conversations.get(g.id)
    assert got is not None
    receipt = got.receipt(b)
    assert (receipt.read_up_to, receipt.last_read_id, receipt.read_at) == (3, msgs[2].id, NOW)
    assert got.unread_for(b) == 1
    assert got.status_of(msgs[2]) == "READ" and got.status_of(msgs[3]) == "SENT"


def test_mark_delivered_moves_forward_only_and_read_implies_delivered(
    stores: ChatStores,
) -> None:
    a, b, c = users()
    g = group(stores, [a, b, c])
    msgs = [post(stores, g.id, a) for _ in range(3)]
    assert stores.conversations.mark_delivered(g.id, b, 2, NOW)
    assert not stores.conversations.mark_delivered(g.id, b, 1, NOW)
    assert stores.conversations.mark_read(g.id, c, 3, msgs[2].id, NOW)
    assert not stores.conversations.mark_delivered(g.id, c, 2, NOW)  # already read further
    got = stores.conversations.get(g.id)
    assert got is not None
    assert got.status_of(msgs[1]) == "DELIVERED" and got.status_of(msgs[2]) == "SENT"
    assert set(got.delivered_to(msgs[1])) == {b, c} and set(got.read_by(msgs[1])) == {c}


def test_ping(stores: ChatStores) -> None:
    assert stores.conversations.ping() is True
    assert stores.ping() is True


# --- MessageStore --------------------------------------------------------------------------


def test_insert_get_and_new_id(stores: ChatStores) -> None:
    a, b, _ = users()
    g = group(stores, [a, b])
    m = post(stores, g.id, a, "Réunion à 10h", reply_to=None, temporary_id="t1")
    got = stores.messages.get(m.id)
    assert got is not None
    assert (got.content, got.sender_id, got.seq, got.temporary_id) == ("Réunion à 10h", a, 1, "t1")
    assert got.created_at == NOW and got.type is MessageType.TEXT
    assert stores.messages.get("0" * 24) is None
    assert len({stores.messages.new_id() for _ in range(50)}) == 50


def test_temporary_id_is_unique_per_sender(stores: ChatStores) -> None:
    a, b, _ = users()
    g = group(stores, [a, b])
    first = post(stores, g.id, a, temporary_id="same")
    with pytest.raises(DuplicateMessageError):
        stores.messages.insert(
            Message(
                stores.messages.new_id(), g.id, a, "x", MessageType.TEXT, NOW, temporary_id="same"
            )
        )
    post(stores, g.id, b, temporary_id="same")  # another sender may use it
    found = stores.messages.find_by_temporary_id(a, "same")
    assert found is not None and found.id == first.id
    assert stores.messages.find_by_temporary_id(a, "other") is None


def test_a_released_temporary_id_can_be_taken_by_a_new_message(stores: ChatStores) -> None:
    """#23 row 17: past the dedupe window the old message lets go of its temporaryId."""
    a, b, _ = users()
    g = group(stores, [a, b])
    old = post(stores, g.id, a, temporary_id="reused")
    kept = post(stores, g.id, a, temporary_id="kept")
    stores.messages.release_temporary_id(old.id)
    assert stores.messages.find_by_temporary_id(a, "reused") is None
    new = post(stores, g.id, a, "again", temporary_id="reused")  # no DuplicateMessageError
    found = stores.messages.find_by_temporary_id(a, "reused")
    assert found is not None and found.id == new.id != old.id
    still = stores.messages.get(old.id)
    assert still is not None and still.temporary_id == "reused"  # the old one still says it
    assert stores.messages.find_by_temporary_id(a, "kept").id == kept.id  # type: ignore[union-attr]
    with pytest.raises(DuplicateMessageError):  # the new one dedupes again
        post(stores, g.id, a, temporary_id="reused")
    stores.messages.release_temporary_id(old.id)  # idempotent


def test_set_seq_and_remove(stores: ChatStores) -> None:
    a, b, _ = users()
    g = group(stores, [a, b])
    m = Message(stores.messages.new_id(), g.id, a, "x", MessageType.TEXT, NOW)
    stores.messages.insert(m)
    stores.messages.set_seq(m.id, 7)
    assert stores.messages.get(m.id).seq == 7  # type: ignore[union-attr]
    stores.messages.remove(m.id)
    assert stores.messages.get(m.id) is None


def test_page_walks_older_and_newer_without_gaps(stores: ChatStores) -> None:
    a, b, _ = users()
    g = group(stores, [a, b])
    ids = [post(stores, g.id, a if n % 2 else b, f"m{n}").id for n in range(7)]
    first = stores.messages.page(g.id, a, None, 3, newer=False)
    assert [m.id for m in first] == ids[::-1][:3]
    older = stores.messages.page(g.id, a, first[-1].id, 10, newer=False)
    assert [m.id for m in older] == ids[::-1][3:]
    newer = stores.messages.page(g.id, a, ids[1], 2, newer=True)
    assert [m.id for m in newer] == ids[2:4]


def test_latest(stores: ChatStores) -> None:
    a, b, _ = users()
    g = group(stores, [a, b])
    assert stores.messages.latest(g.id) is None
    last = [post(stores, g.id, a) for _ in range(3)][-1]
    assert stores.messages.latest(g.id).id == last.id  # type: ignore[union-attr]


def test_edit_keeps_the_history(stores: ChatStores) -> None:
    a, b, _ = users()
    g = group(stores, [a, b])
    m = post(stores, g.id, a, "v1")
    later = NOW + timedelta(minutes=1)
    edited = stores.messages.edit(
        m.id, MessageEdit("v2", {"content": "v1", "editedAt": NOW}, later)
    )
    assert edited is not None and edited.content == "v2" and edited.edited
    assert edited.edited_at == later and edited.edit_history == [{"content": "v1", "editedAt": NOW}]
    assert stores.messages.edit("0" * 24, MessageEdit("x", {}, later)) is None


def test_edit_history_keeps_the_newest_versions_within_its_bounds(stores: ChatStores) -> None:
    a, b, _ = users()
    m = post(stores, group(stores, [a, b]).id, a, "v0")
    for n in range(1, 8):
        at = NOW + timedelta(minutes=n)
        previous = {"content": f"v{n - 1}", "editedAt": at}
        stores.messages.edit(m.id, MessageEdit(f"v{n}", previous, at, None, 4, 10**6))
    kept = stores.messages.get(m.id)
    assert kept is not None and [h["content"] for h in kept.edit_history] == [
        "v3",
        "v4",
        "v5",
        "v6",
    ]
    later = NOW + timedelta(hours=1)
    big = MessageEdit("x", {"content": "é" * 100, "editedAt": later}, later, None, 4, 203)
    trimmed = stores.messages.edit(m.id, big)  # 200 bytes: the older versions no longer fit
    assert trimmed is not None and [h["content"] for h in trimmed.edit_history] == ["v6", "é" * 100]
    assert stores.messages.get(m.id).edit_history == trimmed.edit_history  # type: ignore[union-attr]


def test_edit_replaces_the_mentions_only_when_given(stores: ChatStores) -> None:
    a, b, c = users()
    g = group(stores, [a, b, c])
    m = post(stores, g.id, a, "@b", mentions=[b])
    kept = stores.messages.edit(
        m.id, MessageEdit("@b encore", {"content": "@b", "editedAt": NOW}, NOW)
    )
    assert kept is not None and kept.mentions == [b]
    moved = stores.messages.edit(
        m.id, MessageEdit("@c", {"content": "@b encore", "editedAt": NOW}, NOW, [c])
    )
    assert moved is not None and moved.mentions == [c]
    assert stores.messages.get(m.id).mentions == [c]  # type: ignore[union-attr]
    cleared = stores.messages.edit(
        m.id, MessageEdit("rien", {"content": "@c", "editedAt": NOW}, NOW, [])
    )
    assert cleared is not None and cleared.mentions == []
    assert stores.messages.get(m.id).mentions == []  # type: ignore[union-attr]
    assert len(stores.messages.get(m.id).edit_history) == 3  # type: ignore[union-attr]


def test_delete_for_everyone_blanks_the_message(stores: ChatStores) -> None:
    a, b, _ = users()
    g = group(stores, [a, b])
    m = post(stores, g.id, a, "secret", file={"id": "f1"}, file_id="f1")
    stores.messages.edit(m.id, MessageEdit("v2", {"content": "secret", "editedAt": NOW}, NOW))
    gone = stores.messages.delete_for_everyone(m.id, NOW)
    assert gone is not None and gone.deleted and gone.content == "" and gone.file is None
    assert gone.edit_history == [] and gone.deleted_by is None  # its author deleted it
    assert stores.messages.delete_for_everyone("0" * 24, NOW) is None
    removed = stores.messages.delete_for_everyone(post(stores, g.id, b).id, NOW, "moderation")
    assert removed is not None and removed.deleted and removed.deleted_by == "moderation"
    assert stores.messages.get(removed.id).deleted_by == "moderation"  # type: ignore[union-attr]


def test_hide_for_removes_it_from_that_users_pages_only(stores: ChatStores) -> None:
    a, b, _ = users()
    g = group(stores, [a, b])
    m = post(stores, g.id, a)
    stores.messages.hide_for(m.id, b)
    stores.messages.hide_for(m.id, b)  # twice is the same
    assert stores.messages.page(g.id, b, None, 10, newer=False) == []
    assert [x.id for x in stores.messages.page(g.id, a, None, 10, newer=False)] == [m.id]
    got = stores.messages.get(m.id)
    assert got is not None and not got.visible_to(b) and got.visible_to(a)


def test_react_adds_once_and_removes(stores: ChatStores) -> None:
    a, b, _ = users()
    g = group(stores, [a, b])
    m = post(stores, g.id, a)
    stores.messages.react(m.id, b, "👍", True, 3)
    twice = stores.messages.react(m.id, b, "👍", True, 3)
    assert twice is not None and twice.reactions == [{"userId": b, "emoji": "👍"}]
    removed = stores.messages.react(m.id, b, "👍", False, 3)
    assert removed is not None and removed.reactions == []
    assert stores.messages.react("0" * 24, b, "👍", True, 3) is None


def test_react_caps_the_distinct_reactions_of_one_user(stores: ChatStores) -> None:
    a, b, _ = users()
    m = post(stores, group(stores, [a, b]).id, a)
    for emoji in ("👍", "🎉", ":fire:"):
        stores.messages.react(m.id, b, emoji, True, 3)
    again = stores.messages.react(m.id, b, "🎉", True, 3)  # held already: not a fourth
    assert again is not None and len(again.reactions) == 3
    with pytest.raises(TooManyReactionsError):
        stores.messages.react(m.id, b, "❤️", True, 3)
    stored = stores.messages.get(m.id)
    assert stored is not None and [r["emoji"] for r in stored.reactions] == ["👍", "🎉", ":fire:"]
    other = stores.messages.react(m.id, a, "❤️", True, 3)  # the cap is per user
    assert other is not None and len(other.reactions) == 4
    stores.messages.react(m.id, b, "👍", False, 3)
    freed = stores.messages.react(m.id, b, "❤️", True, 3)
    assert freed is not None and sorted(
        r["emoji"] for r in freed.reactions if r["userId"] == b
    ) == [
        ":fire:",
        "❤️",
        "🎉",
    ]


def test_search_is_case_and_accent_insensitive_and_scoped(stores: ChatStores) -> None:
    a, b, c = users()
    mine, theirs = group(stores, [a, b]), group(stores, [b, c])
    hit = post(stores, mine.id, b, "Réunion à Yaoundé avec Hélène")
    post(stores, mine.id, b, "rien à voir")
    post(stores, theirs.id, b, "réunion secrète")  # a is not a participant
    for query in ("reunion", "RÉUNION", "hélène", "helene", "yaounde reunion"):
        found, _ = stores.messages.search(a, query, 10)
        assert [m.id for m in found] == [hit.id], query
    assert stores.messages.search(a, "reunion", 10, conversation_id=theirs.id)[0] == []
    assert stores.messages.search(a, "!!! ???", 10) == ([], None)


def test_search_skips_deleted_and_hidden_and_pages_with_a_cursor(stores: ChatStores) -> None:
    a, b, _ = users()
    g = group(stores, [a, b])
    hits = [post(stores, g.id, b, f"budget numéro {n}") for n in range(5)]
    stores.messages.delete_for_everyone(hits[0].id, NOW)
    stores.messages.hide_for(hits[1].id, a)
    first, cursor = stores.messages.search(a, "budget", 2)
    assert len(first) == 2 and cursor is not None
    rest, end = stores.messages.search(a, "budget", 2, cursor=cursor)
    assert end is None
    assert sorted(m.id for m in first + rest) == sorted(m.id for m in hits[2:])


# --- FileMetadataStore ---------------------------------------------------------------------


def record(owner: str, conversations: tuple[str, ...] = (), at: datetime = NOW) -> FileRecord:
    return FileRecord(
        id=new_file_id(),
        owner_id=owner,
        original_name="rapport été.pdf",
        mime_type="application/pdf",
        kind=FileKind.DOCUMENT,
        size=1234,
        sha256="ab" * 32,
        created_at=at,
        conversation_ids=conversations,
        thumbnails=("small",),
        width=None,
        height=None,
    )


def test_files_add_get_link_list_delete(stores: ChatStores) -> None:
    (owner,) = users(1)
    c1, c2 = "a" * 24, uuid.uuid4().hex[:24]
    first = record(owner, (c1,), NOW - timedelta(minutes=1))
    second = record(owner, (), NOW)
    stores.files.add(first)
    stores.files.add(second)
    assert stores.files.get(first.id) == first
    assert stores.files.get("nope") is None
    stores.files.link_conversation(second.id, c2)
    stores.files.link_conversation(first.id, c2)
    stores.files.link_conversation(first.id, c2)  # once
    got = stores.files.get(first.id)
    assert got is not None and got.conversation_ids == (c1, c2) and got.conversation_id == c1
    assert [r.id for r in stores.files.list_for_conversation(c2, 10)] == [second.id, first.id]
    assert [r.id for r in stores.files.list_for_conversation(c2, 1)] == [second.id]
    assert stores.files.delete(first.id) is True
    assert stores.files.delete(first.id) is False
    assert stores.files.get(first.id) is None


def test_files_unlink_a_conversation_keeps_the_others(stores: ChatStores) -> None:
    (owner,) = users(1)
    c1, c2 = uuid.uuid4().hex[:24], uuid.uuid4().hex[:24]
    file = record(owner, (c1,))
    stores.files.add(file)
    stores.files.link_conversation(file.id, c2)
    stores.files.unlink_conversation(file.id, c1)
    stores.files.unlink_conversation(file.id, c1)  # twice is the same
    stores.files.unlink_conversation("f" * 24, c1)  # an unknown file: nothing
    got = stores.files.get(file.id)
    assert got is not None and got.conversation_ids == (c2,)
    assert stores.files.list_for_conversation(c1, 10) == []
    assert [r.id for r in stores.files.list_for_conversation(c2, 10)] == [file.id]


def test_file_in_use_counts_live_messages_of_that_conversation(stores: ChatStores) -> None:
    a, b, _ = users()
    g, other = group(stores, [a, b]), group(stores, [a, b])
    first = post(stores, g.id, a, "v", file={"id": "f1"}, file_id="f1")
    second = post(stores, g.id, b, "v", file={"id": "f1"}, file_id="f1")
    post(stores, other.id, a, "v", file={"id": "f1"}, file_id="f1")
    assert stores.messages.file_in_use(g.id, "f1", besides=first.id)
    stores.messages.delete_for_everyone(second.id, NOW)
    assert not stores.messages.file_in_use(g.id, "f1", besides=first.id)  # other's don't count
    assert stores.messages.file_in_use(g.id, "f1", besides=second.id)
    assert not stores.messages.file_in_use(g.id, "f2", besides=second.id)


def test_posters_are_the_members_who_have_written(stores: ChatStores) -> None:
    a, b, _ = users()
    g = group(stores, [a, b])
    assert stores.conversations.get(g.id).posters == frozenset()  # type: ignore[union-attr]
    post(stores, g.id, a)
    got = stores.conversations.get(g.id)
    assert got is not None and got.posters == frozenset({a})
    post(stores, g.id, b)
    listed, _ = stores.conversations.list_for(a, 0, 10)
    assert [c.posters for c in listed if c.id == g.id] == [frozenset({a, b})]
