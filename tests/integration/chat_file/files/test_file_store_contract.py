"""FileMetadataStore contract for the bounds of issue 23 row 8 and the "my files" list
(issue 24 item 11), on every backend of the `stores` fixture (fakes, SQLite, PostgreSQL,
mongomock, MongoDB when set): usage, daily volume, unattached uploads, files by owner."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from services.chat_file.files.domain.model import FileKind, FileRecord, new_file_id
from services.chat_file.storage.stores import ChatStores

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def owner() -> str:
    return uuid.uuid4().hex[:24]


def record(
    owner_id: str, size: int = 100, at: datetime = NOW, conversations: tuple[str, ...] = ()
) -> FileRecord:
    return FileRecord(
        id=new_file_id(),
        owner_id=owner_id,
        original_name="note.txt",
        mime_type="text/plain",
        kind=FileKind.TEXT,
        size=size,
        sha256="cd" * 32,
        created_at=at,
        conversation_ids=conversations,
    )


def test_usage_adds_up_the_owners_stored_files(stores: ChatStores) -> None:
    alice, bob = owner(), owner()
    assert stores.files.usage(alice) == 0
    kept = record(alice, 3_000_000_000)  # past 32 bits
    stores.files.add(kept)
    stores.files.add(record(alice, 500))
    stores.files.add(record(bob, 7))
    assert stores.files.usage(alice) == 3_000_000_500
    stores.files.delete(kept.id)
    assert stores.files.usage(alice) == 500


def test_daily_volume_adds_up_per_owner_and_day(stores: ChatStores) -> None:
    alice, bob = owner(), owner()
    assert stores.files.daily_volume(alice, "2026-12-07") == 0
    stores.files.add_daily_volume(alice, "2026-12-07", 100)
    stores.files.add_daily_volume(alice, "2026-12-07", 3_000_000_000)
    stores.files.add_daily_volume(alice, "2026-12-08", 5)
    stores.files.add_daily_volume(bob, "2026-12-07", 9)
    assert stores.files.daily_volume(alice, "2026-12-07") == 3_000_000_100
    assert stores.files.daily_volume(alice, "2026-12-08") == 5
    assert stores.files.daily_volume(bob, "2026-12-07") == 9


def test_unattached_before_lists_old_files_no_conversation_uses(stores: ChatStores) -> None:
    alice = owner()
    cutoff = NOW - timedelta(days=400 + uuid.uuid4().int % 1000)  # a window of this test's own
    old = record(alice, at=cutoff - timedelta(hours=2))
    older = record(alice, at=cutoff - timedelta(hours=3))
    young = record(alice, at=cutoff + timedelta(minutes=1))
    attached = record(alice, at=cutoff - timedelta(hours=2), conversations=("c" * 24,))
    linked_later = record(alice, at=cutoff - timedelta(hours=2))
    for r in (old, older, young, attached, linked_later):
        stores.files.add(r)
    stores.files.link_conversation(linked_later.id, "d" * 24)
    mine = [r.id for r in stores.files.unattached_before(cutoff, 1000) if r.owner_id == alice]
    assert mine == [older.id, old.id]  # oldest first


def test_delete_unattached_spares_a_file_a_conversation_uses(stores: ChatStores) -> None:
    alice = owner()
    loose, used = record(alice), record(alice, conversations=("e" * 24,))
    stores.files.add(loose)
    stores.files.add(used)
    assert stores.files.delete_unattached(used.id) is False
    assert stores.files.get(used.id) is not None
    assert stores.files.delete_unattached(loose.id) is True
    assert stores.files.get(loose.id) is None
    assert stores.files.delete_unattached(loose.id) is False


def test_list_for_owner_pages_newest_first_without_gaps(stores: ChatStores) -> None:
    alice, bob = owner(), owner()
    same = NOW - timedelta(minutes=5)  # two files of one instant: ordered by id
    mine = [record(alice, at=NOW - timedelta(minutes=n)) for n in range(4)]
    mine += [record(alice, at=same), record(alice, at=same)]
    for r in mine:
        stores.files.add(r)
    stores.files.add(record(bob))
    expected = [r.id for r in sorted(mine, key=lambda r: (r.created_at, r.id), reverse=True)]
    seen: list[str] = []
    before = None
    while True:
        page = stores.files.list_for_owner(alice, 4, before)
        seen += [r.id for r in page]
        if len(page) < 4:
            break
        before = (page[-1].created_at, page[-1].id)
    assert seen == expected
    assert stores.files.list_for_owner(owner(), 10) == []
