"""S3FileStorage beyond the shared contract, on moto's S3 server: multipart uploads, aborted
uploads, presigned URLs, an unreachable endpoint, and FileService's all-or-nothing upload."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from libs.servicekit.errors import StoreUnavailableError
from services.chat_file.files.adapters.s3 import PART_SIZE, S3FileStorage
from services.chat_file.files.adapters.thumbnails import PillowThumbnailer
from services.chat_file.files.application.files import FileService
from services.chat_file.files.application.sweeper import OrphanSweeper
from services.chat_file.files.domain.model import FileTooLargeError
from tests.support.s3 import bucket_keys, open_uploads, s3_client
from tests.support.servers import free_port
from tests.unit.chat_file.files import samples
from tests.unit.chat_file.files.fakes import FakeConversationAccess, FakeFileStore

KEY = "0123456789abcdef01234567"
OWNER = "a" * 24


@pytest.fixture
def storage(s3_endpoint: str, s3_bucket: str) -> S3FileStorage:
    return S3FileStorage(s3_client(s3_endpoint), s3_bucket, presign_seconds=30)


def test_a_large_file_goes_up_in_parts_and_reads_back_whole(
    storage: S3FileStorage, s3_endpoint: str
) -> None:
    data = os.urandom(2 * PART_SIZE + 123_457)
    assert storage.save(KEY, samples.chunked(data)) == len(data)
    head = s3_client(s3_endpoint).head_object(Bucket=storage.bucket, Key=KEY)
    assert head["ETag"].strip('"').endswith("-3")  # a multipart object of three parts
    with storage.open(KEY) as stream:
        assert hashlib.sha256(stream.read()).digest() == hashlib.sha256(data).digest()
        stream.seek(PART_SIZE - 2)
        assert stream.read(4) == data[PART_SIZE - 2 : PART_SIZE + 2]


def test_a_source_failing_after_a_part_aborts_the_multipart_upload(
    storage: S3FileStorage, s3_endpoint: str
) -> None:
    def source() -> Iterator[bytes]:
        yield from samples.chunked(os.urandom(PART_SIZE + 70_000))
        raise FileTooLargeError(limit=PART_SIZE)

    with pytest.raises(FileTooLargeError):
        storage.save(KEY, source())
    assert bucket_keys(s3_endpoint, storage.bucket) == []
    assert open_uploads(s3_endpoint, storage.bucket) == []


def test_presigned_url_serves_the_object_with_our_headers_and_ranges(
    storage: S3FileStorage,
) -> None:
    storage.save(KEY, [b"0123456789"])
    disposition = "attachment; filename=\"a.pdf\"; filename*=UTF-8''a.pdf"
    url = storage.presigned_url(KEY, "application/pdf", disposition)
    assert "X-Amz-Expires=30" in url
    whole = requests.get(url, timeout=10)
    assert whole.status_code == 200 and whole.content == b"0123456789"
    assert whole.headers["Content-Type"] == "application/pdf"
    assert whole.headers["Content-Disposition"] == disposition
    part = requests.get(url, headers={"Range": "bytes=2-4"}, timeout=10)
    assert part.status_code == 206 and part.content == b"234"


def test_tampered_presigned_url_is_refused(storage: S3FileStorage) -> None:
    storage.save(KEY, [b"secret"])
    url = storage.presigned_url(KEY, "text/plain", "attachment")
    other = url.replace(KEY, "f" * 24)
    assert requests.get(other, timeout=10).status_code == 403


def test_an_unreachable_endpoint_is_a_store_outage() -> None:
    from services.chat_file.files.adapters.s3 import make_s3_client

    client = make_s3_client(f"http://127.0.0.1:{free_port()}", "us-east-1", "k", "s")
    dead = S3FileStorage(client, "nowhere")
    with pytest.raises(StoreUnavailableError):
        dead.save(KEY, [b"x"])
    with pytest.raises(StoreUnavailableError):
        dead.open(KEY)


def file_service(storage: S3FileStorage, store: FakeFileStore) -> FileService:
    return FileService(
        store=store,
        storage=storage,
        thumbnailer=PillowThumbnailer(),
        conversations=FakeConversationAccess(),
        max_upload_bytes=50 * 1024 * 1024,
    )


def test_image_upload_stores_thumbnails_beside_the_original(
    storage: S3FileStorage, s3_endpoint: str
) -> None:
    record = file_service(storage, FakeFileStore()).upload(OWNER, "p.png", [samples.png()])
    expected = [record.id, *(f"{record.id}-{s}.webp" for s in ("large", "medium", "small"))]
    assert bucket_keys(s3_endpoint, storage.bucket) == sorted(expected)


def test_metadata_failure_leaves_no_object_in_the_bucket(
    storage: S3FileStorage, s3_endpoint: str
) -> None:
    store = FakeFileStore()
    store.fail_on_add = True
    with pytest.raises(ConnectionError):
        file_service(storage, store).upload(OWNER, "p.png", [samples.png()])
    assert bucket_keys(s3_endpoint, storage.bucket) == []


def test_failed_s3_write_leaves_no_metadata_row(s3_endpoint: str) -> None:
    missing_bucket = S3FileStorage(s3_client(s3_endpoint), "no-such-bucket-here")
    store = FakeFileStore()
    with pytest.raises(StoreUnavailableError):
        file_service(missing_bucket, store).upload(OWNER, "a.pdf", [b"%PDF-1.4\n" + b"x" * 100])
    assert store.records == {}


def test_sweeper_removes_only_old_objects_nobody_references(
    storage: S3FileStorage, s3_endpoint: str
) -> None:
    store = FakeFileStore()
    kept = file_service(storage, store).upload(OWNER, "p.png", [samples.png()])
    orphan = "f" * 24
    for key in (orphan, f"{orphan}-small.webp"):  # as a process killed before its row
        storage.save(key, [b"bytes"])
    later = datetime.now(UTC) + timedelta(hours=2)
    young = OrphanSweeper(storage, store, grace=timedelta(hours=3), clock=lambda: later)
    assert young.sweep() == []  # inside the grace period: maybe an upload in progress
    old = OrphanSweeper(storage, store, grace=timedelta(hours=1), clock=lambda: later)
    assert sorted(old.sweep()) == [orphan, f"{orphan}-small.webp"]
    assert all(k.startswith(kept.id) for k in bucket_keys(s3_endpoint, storage.bucket))
    assert len(bucket_keys(s3_endpoint, storage.bucket)) == 4
