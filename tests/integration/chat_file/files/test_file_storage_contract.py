"""One contract for FileStorage, run on the local directory, on GridFS (mongomock / MongoDB) and
on S3 (moto's server, or TEST_S3_ENDPOINT_URL)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest

from services.chat_file.files.adapters.local import LocalFileStorage
from services.chat_file.files.adapters.s3 import S3FileStorage
from services.chat_file.files.application.ports import FileStorage
from services.chat_file.files.application.sweeper import SweepableStorage
from services.chat_file.files.domain.model import StoredFileNotFoundError
from services.chat_file.files.mongo.gridfs import GridFSFileStorage
from tests.support.s3 import s3_client

from .conftest import MONGO_BACKENDS, open_mongo

KEY = "0123456789abcdef01234567"
THUMB = f"{KEY}-small.webp"


@pytest.fixture(params=["local", *(f"gridfs-{b}" for b in MONGO_BACKENDS), "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FileStorage]:
    if request.param == "local":
        yield LocalFileStorage(tmp_path / "files")
        return
    if request.param == "s3":
        endpoint = request.getfixturevalue("s3_endpoint")
        yield S3FileStorage(s3_client(endpoint), request.getfixturevalue("s3_bucket"))
        return
    for db in open_mongo(request.param.removeprefix("gridfs-")):
        yield GridFSFileStorage(db)


def test_save_then_open_returns_the_same_bytes(storage: FileStorage) -> None:
    data = os.urandom(700_000)  # several GridFS chunks
    assert storage.save(KEY, [data[:100], data[100:400_000], data[400_000:]]) == len(data)
    with storage.open(KEY) as stream:
        assert stream.read() == data


def test_open_is_seekable_for_ranges(storage: FileStorage) -> None:
    storage.save(KEY, [bytes(range(256)) * 2000])
    with storage.open(KEY) as stream:
        stream.seek(300_000)
        assert stream.read(4) == bytes([300_000 % 256 + i for i in range(4)])
        assert stream.seek(0, 2) == 512_000


def test_a_failing_source_leaves_nothing_behind(storage: FileStorage) -> None:
    def source() -> Iterator[bytes]:
        yield b"x" * 300_000
        raise ValueError("client went away")

    with pytest.raises(ValueError, match="went away"):
        storage.save(KEY, source())
    with pytest.raises(StoredFileNotFoundError):
        storage.open(KEY)


def test_delete_removes_and_is_idempotent(storage: FileStorage) -> None:
    storage.save(THUMB, [b"webp"])
    storage.delete(THUMB)
    storage.delete(THUMB)
    with pytest.raises(StoredFileNotFoundError):
        storage.open(THUMB)


def test_stale_keys_lists_objects_written_before_a_time(storage: FileStorage) -> None:
    storage.save(KEY, [b"data"])
    storage.save(THUMB, [b"webp"])
    sweepable = cast(SweepableStorage, storage)
    now = datetime.now(UTC)
    assert sorted(sweepable.stale_keys(now + timedelta(hours=1))) == [KEY, THUMB]
    assert list(sweepable.stale_keys(now - timedelta(hours=1))) == []


@pytest.mark.parametrize("key", ["../../etc/passwd", "abc", f"{KEY}/../x", f"{KEY}.sh"])
def test_keys_not_generated_by_the_service_are_refused(storage: FileStorage, key: str) -> None:
    with pytest.raises(ValueError):
        storage.save(key, [b"x"])


def test_local_files_are_private_and_not_executable_with_no_partials(tmp_path: Path) -> None:
    storage = LocalFileStorage(tmp_path)
    storage.save(KEY, [b"data"])
    mode = stat.S_IMODE(storage.path(KEY).stat().st_mode)
    assert mode & 0o111 == 0 and mode & 0o077 == 0

    def broken() -> Iterator[bytes]:
        yield b"a" * 1000
        raise RuntimeError("disconnected")

    with pytest.raises(RuntimeError):
        storage.save(THUMB, broken())
    leftovers = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert leftovers == [KEY]
