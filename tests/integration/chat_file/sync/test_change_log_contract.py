"""The storage contract of per-user change logs (ChangeLog) on every backend (the `stores`
fixture: fakes, SQLite, PostgreSQL, mongomock, MongoDB if set)."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

from services.chat_file.storage.stores import ChatStores

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NESTED = {"at": "2026-03-01T12:00:00.000Z", "ok": [True, None], "é": "ü"}  # wire JSON


def user() -> str:
    return f"u{uuid.uuid4().hex[:10]}"


def test_a_user_without_changes_reads_empty(stores: ChatStores) -> None:
    someone = user()
    found = stores.changes.read(someone, 0, 10)
    assert (found.head, found.oldest, found.changes) == (0, None, [])
    assert stores.changes.head(someone) == 0


def test_each_user_numbers_their_own_entries_from_one(stores: ChatStores) -> None:
    a, b = user(), user()
    assert stores.changes.append([a, b], "newMessage", {"n": 1}, T0) == {a: 1, b: 1}
    assert stores.changes.append([b], "message:edited", {"n": 2}, T0) == {b: 2}
    assert stores.changes.append([b, a, b], "message:reaction", {"n": 3}, T0) == {a: 2, b: 3}
    assert stores.changes.append([], "nothing", {}, T0) == {}
    found = stores.changes.read(b, 0, 10)
    assert (found.head, found.oldest) == (3, 1)
    assert [(c.seq, c.event, c.data) for c in found.changes] == [
        (1, "newMessage", {"n": 1}),
        (2, "message:edited", {"n": 2}),
        (3, "message:reaction", {"n": 3}),
    ]
    assert found.changes[0].at == T0
    assert stores.changes.head(a) == 2


def test_read_pages_after_a_position_in_order(stores: ChatStores) -> None:
    someone = user()
    for n in range(1, 8):
        stores.changes.append([someone], "e", {"n": n, "nested": NESTED}, T0)
    page = stores.changes.read(someone, 2, 3)
    assert [c.seq for c in page.changes] == [3, 4, 5]
    assert page.changes[0].data == {"n": 3, "nested": NESTED}
    assert [c.seq for c in stores.changes.read(someone, 5, 10).changes] == [6, 7]
    assert stores.changes.read(someone, 7, 10).changes == []


def test_compaction_removes_old_entries_and_keeps_the_head(stores: ChatStores) -> None:
    someone, other = user(), user()
    stores.changes.append([someone, other], "old", {}, T0 - timedelta(days=8))
    stores.changes.append([someone], "old", {}, T0 - timedelta(days=8))
    stores.changes.append([someone], "new", {}, T0)
    assert stores.changes.compact(T0 - timedelta(days=7)) >= 3
    mine = stores.changes.read(someone, 0, 10)
    assert (mine.head, mine.oldest, [c.seq for c in mine.changes]) == (3, 3, [3])
    theirs = stores.changes.read(other, 0, 10)
    assert (theirs.head, theirs.oldest, theirs.changes) == (1, None, [])
    assert stores.changes.append([other], "again", {}, T0) == {other: 2}


def test_concurrent_appends_never_share_or_skip_a_number(stores: ChatStores) -> None:
    a, b = user(), user()
    errors: list[BaseException] = []

    def write(k: int) -> None:
        try:
            for n in range(10):
                stores.changes.append([a, b] if n % 2 else [b, a], "e", {"k": k, "n": n}, T0)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for who in (a, b):
        found = stores.changes.read(who, 0, 100)
        assert [c.seq for c in found.changes] == list(range(1, 41))
        assert found.head == 40


def test_a_fan_out_larger_than_one_statement_is_numbered_whole(stores: ChatStores) -> None:
    # more than two SQL chunks of 2 000; the Mongo adapter numbers one user per round trip
    # (mongomock: slowly), and the fake has no chunks: a small crowd says the same there
    size = 4500 if stores.backend in {"sqlite", "postgresql"} else 60
    crowd = [user() for _ in range(size)]
    numbers = stores.changes.append(crowd, "newMessage", {"n": 1}, T0)
    assert numbers == {u: 1 for u in crowd}
    assert [c.seq for c in stores.changes.read(crowd[-1], 0, 5).changes] == [1]
