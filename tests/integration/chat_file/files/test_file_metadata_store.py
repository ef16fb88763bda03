"""MongoFileStore on mongomock (and MongoDB when MONGODB_URI is set)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from services.chat_file.files.domain.model import FileKind, FileRecord
from services.chat_file.files.mongo.files import MongoFileStore

T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def record(n: int, conversations: tuple[str, ...] = ("conv1",)) -> FileRecord:
    return FileRecord(
        id=f"{n:024x}",
        owner_id="owner",
        original_name=f"photo {n}.png",
        mime_type="image/png",
        kind=FileKind.IMAGE,
        size=1000 + n,
        sha256="ab" * 32,
        created_at=T0 + timedelta(seconds=n),
        conversation_ids=conversations,
        thumbnails=("small", "medium", "large"),
        width=640,
        height=480,
    )


def test_add_then_get_round_trips_every_field(mongo_db: Any) -> None:
    store = MongoFileStore(mongo_db)
    store.add(record(1))
    assert store.get(record(1).id) == record(1)
    assert store.get("f" * 24) is None


def test_list_for_conversation_newest_first_with_limit(mongo_db: Any) -> None:
    store = MongoFileStore(mongo_db)
    for n in range(5):
        store.add(record(n, ("conv1",) if n % 2 == 0 else ("conv2",)))
    assert [r.size for r in store.list_for_conversation("conv1", 10)] == [1004, 1002, 1000]
    assert len(store.list_for_conversation("conv1", 2)) == 2


def test_link_conversation_adds_once(mongo_db: Any) -> None:
    store = MongoFileStore(mongo_db)
    store.add(record(1, ()))
    store.link_conversation(record(1).id, "conv9")
    store.link_conversation(record(1).id, "conv9")
    found = store.get(record(1).id)
    assert found is not None and found.conversation_ids == ("conv9",)
    assert [r.id for r in store.list_for_conversation("conv9", 10)] == [record(1).id]


def test_delete_reports_whether_something_was_deleted(mongo_db: Any) -> None:
    store = MongoFileStore(mongo_db)
    store.add(record(1))
    assert store.delete(record(1).id) is True
    assert store.delete(record(1).id) is False
    assert store.get(record(1).id) is None
