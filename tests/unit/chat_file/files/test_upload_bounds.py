"""Per-user upload bounds (issue 23, row 8) and the sweep of uploads no conversation uses,
on fakes: the quota, the daily volume, QUOTA_EXCEEDED while streaming, nothing left behind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.chat_file.files.application.files import FileService
from services.chat_file.files.application.metering import UploadLimits
from services.chat_file.files.application.sweeper import UnattachedSweeper
from services.chat_file.files.domain.model import FileTooLargeError, QuotaExceededError

from . import samples
from .fakes import FakeConversationAccess, FakeFileStorage, FakeFileStore, FakeThumbnailer

ALICE, BOB = "a" * 24, "b" * 24
CONV = "c" * 24
T0 = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def service(
    store: FakeFileStore, storage: FakeFileStorage, clock: Clock, quota: int = 0, daily: int = 0
) -> FileService:
    return FileService(
        store=store,
        storage=storage,
        thumbnailer=FakeThumbnailer(),
        conversations=FakeConversationAccess({CONV: {ALICE, BOB}}),
        max_upload_bytes=1000,
        clock=clock,
        limits=UploadLimits(quota_bytes=quota, daily_bytes=daily),
    )


def text(size: int) -> list[bytes]:
    return samples.chunked(b"x" * size, 64)


def test_the_quota_counts_stored_files_and_frees_up_on_delete() -> None:
    store, storage = FakeFileStore(), FakeFileStorage()
    files = service(store, storage, Clock(), quota=1500)
    first = files.upload(ALICE, "a.txt", text(1000))
    files.upload(ALICE, "b.txt", text(500))  # exactly at the quota
    with pytest.raises(QuotaExceededError):
        files.upload(ALICE, "c.txt", text(1))
    files.upload(BOB, "d.txt", text(1000))  # per user
    files.delete(ALICE, first.id)
    files.upload(ALICE, "c.txt", text(900))


def test_an_upload_passing_the_quota_midway_leaves_nothing() -> None:
    store, storage = FakeFileStore(), FakeFileStorage()
    files = service(store, storage, Clock(), quota=1200)
    files.upload(ALICE, "a.txt", text(1000))
    before = (dict(store.records), dict(storage.objects))
    with pytest.raises(QuotaExceededError) as refused:
        files.upload(ALICE, "b.txt", text(300))
    assert refused.value.code == "QUOTA_EXCEEDED"
    assert (dict(store.records), dict(storage.objects)) == before
    with pytest.raises(FileTooLargeError):  # the file size limit still answers its own code
        service(store, storage, Clock(), quota=10_000).upload(ALICE, "big.txt", text(1001))


def test_the_daily_volume_counts_deleted_files_and_restarts_each_utc_day() -> None:
    store, storage, clock = FakeFileStore(), FakeFileStorage(), Clock()
    files = service(store, storage, clock, daily=1000)
    for _ in range(2):
        files.delete(ALICE, files.upload(ALICE, "a.txt", text(500)).id)
    with pytest.raises(QuotaExceededError):
        files.upload(ALICE, "a.txt", text(1))
    assert store.daily_volume(ALICE, "2026-12-07") == 1000
    clock.now = T0 + timedelta(hours=1)  # 00:00 UTC: a new day
    files.upload(ALICE, "a.txt", text(1000))
    assert store.daily_volume(ALICE, "2026-12-08") == 1000


def test_no_limits_by_default_reads_no_usage() -> None:
    store, storage = FakeFileStore(), FakeFileStorage()
    files = service(store, storage, Clock())
    files.upload(ALICE, "a.txt", text(1000))
    assert store.volume == {}


def test_the_sweeper_removes_old_unattached_uploads_with_their_bytes() -> None:
    store, storage, clock = FakeFileStore(), FakeFileStorage(), Clock()
    files = service(store, storage, clock)
    loose = files.upload(ALICE, "photo.png", [samples.png((20, 20))])  # thumbnails too
    shared = files.upload(ALICE, "a.txt", text(10), CONV)
    linked = files.upload(ALICE, "b.txt", text(10))
    files.link(linked.id, CONV)
    clock.now = T0 + timedelta(hours=23)
    young = files.upload(ALICE, "c.txt", text(10))
    sweeper = UnattachedSweeper(store, storage, timedelta(hours=24), clock=clock, batch=1)
    clock.now = T0 + timedelta(hours=24, seconds=1)
    assert sweeper.sweep() == [loose.id]
    assert set(store.records) == {shared.id, linked.id, young.id}
    assert not [key for key in storage.objects if key.startswith(loose.id)]
    assert sweeper.sweep() == []
