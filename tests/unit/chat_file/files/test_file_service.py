"""FileService driven through its ports with fakes: upload, access, download, delete, attach."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from services.chat_file.files.api.views import describe
from services.chat_file.files.application.files import FileService
from services.chat_file.files.domain.model import (
    CorruptImageError,
    EmptyFileError,
    FileDeleteForbiddenError,
    FileKind,
    FileTooLargeError,
    ImageTooLargeError,
    InvalidFileIdError,
    InvalidThumbnailSizeError,
    RangeNotSatisfiableError,
    StoredFileNotFoundError,
    ThumbnailUnavailableError,
    UnsupportedFileTypeError,
    UploadConversationNotFoundError,
)

from . import samples
from .fakes import FakeConversationAccess, FakeFileStorage, FakeFileStore, FakeThumbnailer

ALICE, BOB, EVE = "a" * 24, "b" * 24, "e" * 24
CONV = "c" * 24


@pytest.fixture
def storage() -> FakeFileStorage:
    return FakeFileStorage()


@pytest.fixture
def store() -> FakeFileStore:
    return FakeFileStore()


@pytest.fixture
def service(storage: FakeFileStorage, store: FakeFileStore) -> FileService:
    return FileService(
        store=store,
        storage=storage,
        thumbnailer=FakeThumbnailer(),
        conversations=FakeConversationAccess({CONV: {ALICE, BOB}}),
        max_upload_bytes=1_000_000,
        clock=lambda: START + timedelta(seconds=next(TICKS)),
    )


START = datetime(2026, 11, 27, tzinfo=UTC)
TICKS = itertools.count()


def test_upload_streams_bytes_and_records_hash_size_type_and_clean_name(
    service: FileService, storage: FakeFileStorage, store: FakeFileStore
) -> None:
    record = service.upload(ALICE, "../../rapport\x00.pdf", samples.chunked(samples.PDF, 10))
    assert storage.objects[record.id] == samples.PDF
    assert store.get(record.id) == record
    assert record.sha256 == hashlib.sha256(samples.PDF).hexdigest()
    assert (record.size, record.mime_type, record.kind) == (
        len(samples.PDF),
        "application/pdf",
        FileKind.DOCUMENT,
    )
    assert record.original_name == "rapport_.pdf"
    assert record.thumbnails == ()


def test_image_upload_gets_three_thumbnails_and_dimensions(
    service: FileService, storage: FakeFileStorage
) -> None:
    record = service.upload(ALICE, "photo.png", [samples.png()])
    assert set(record.thumbnails) == {"small", "medium", "large"}
    assert (record.width, record.height) == (640, 480)
    assert storage.objects[f"{record.id}-small.webp"] == b"webp-small"
    assert describe(record)["thumbnailUrl"] == f"/files/{record.id}/thumbnail?size=medium"


def test_empty_upload_is_refused_and_nothing_is_stored(
    service: FileService, storage: FakeFileStorage, store: FakeFileStore
) -> None:
    with pytest.raises(EmptyFileError):
        service.upload(ALICE, "vide.txt", [b"", b""])
    assert storage.objects == {} and store.records == {}


def test_oversized_upload_stops_reading_once_the_limit_is_passed(
    storage: FakeFileStorage, store: FakeFileStore
) -> None:
    service = FileService(
        store=store,
        storage=storage,
        thumbnailer=FakeThumbnailer(),
        conversations=FakeConversationAccess(),
        max_upload_bytes=10_000,
    )
    pulled = []

    def body() -> Iterator[bytes]:
        for n in range(100):
            pulled.append(n)
            yield (samples.PDF if n == 0 else b"x" * 4000)

    with pytest.raises(FileTooLargeError):
        service.upload(ALICE, "gros.pdf", body())
    assert len(pulled) == 4  # 3 * 4000 + header > 10 000: stops there, not at 100
    assert storage.objects == {} and store.records == {}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", samples.ELF),
        ("photo.jpg", b"#!/bin/sh\nrm -rf /\n"),
        ("a.bin", b"\x00\x01\xff" * 99),
    ],
)
def test_disguised_or_unknown_content_is_refused(
    service: FileService, storage: FakeFileStorage, name: str, content: bytes
) -> None:
    with pytest.raises(UnsupportedFileTypeError):
        service.upload(ALICE, name, [content])
    assert storage.objects == {}


def test_plain_text_is_accepted_as_text(service: FileService) -> None:
    record = service.upload(ALICE, "notes.txt", [samples.TEXT])
    assert (record.mime_type, record.kind) == ("text/plain", FileKind.TEXT)


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (samples.png()[:40] + b"corrupt", CorruptImageError),
        (samples.png() + b"bomb", ImageTooLargeError),
    ],
)
def test_undecodable_image_is_refused_and_its_bytes_removed(
    service: FileService,
    storage: FakeFileStorage,
    store: FakeFileStore,
    content: bytes,
    error: type[Exception],
) -> None:
    with pytest.raises(error):
        service.upload(ALICE, "photo.png", [content])
    assert storage.objects == {} and store.records == {}


def test_metadata_failure_removes_the_stored_bytes(
    service: FileService, storage: FakeFileStorage, store: FakeFileStore
) -> None:
    store.fail_on_add = True
    with pytest.raises(ConnectionError):
        service.upload(ALICE, "photo.png", [samples.png()])
    assert storage.objects == {}


def test_upload_into_a_conversation_requires_participation(
    service: FileService, storage: FakeFileStorage
) -> None:
    with pytest.raises(UploadConversationNotFoundError):
        service.upload(EVE, "r.pdf", [samples.PDF], conversation_id=CONV)
    assert storage.objects == {}


def test_uploader_and_participants_read_others_get_not_found(service: FileService) -> None:
    private = service.upload(ALICE, "r.pdf", [samples.PDF])
    shared = service.upload(ALICE, "s.pdf", [samples.PDF], conversation_id=CONV)
    assert service.get(ALICE, private.id) == private
    assert service.get(BOB, shared.id) == shared
    for user, file_id in [(BOB, private.id), (EVE, shared.id)]:
        with pytest.raises(StoredFileNotFoundError):
            service.get(user, file_id)


@pytest.mark.parametrize("bad_id", ["", "123", "../../etc/passwd", "Z" * 24, "a" * 25])
def test_invalid_ids_are_refused(service: FileService, bad_id: str) -> None:
    with pytest.raises(InvalidFileIdError):
        service.get(ALICE, bad_id)


def test_download_whole_file_and_a_range(service: FileService) -> None:
    data = samples.PDF + b"0123456789"
    record = service.upload(ALICE, "r.pdf", [data])
    whole = service.open_download(ALICE, record.id)
    assert (whole.byte_range, whole.length, whole.stream.read()) == (None, len(data), data)
    part = service.open_download(ALICE, record.id, "bytes=-10")
    assert part.byte_range is not None
    assert part.byte_range.content_range == f"bytes {len(data) - 10}-{len(data) - 1}/{len(data)}"
    assert part.stream.read(part.length) == b"0123456789"


def test_range_beyond_the_end_is_not_satisfiable(service: FileService) -> None:
    record = service.upload(ALICE, "r.pdf", [samples.PDF])
    with pytest.raises(RangeNotSatisfiableError):
        service.open_download(ALICE, record.id, f"bytes={len(samples.PDF)}-")


def test_thumbnail_sizes_and_non_images(service: FileService) -> None:
    image = service.upload(ALICE, "p.png", [samples.png()], conversation_id=CONV)
    thumb = service.open_thumbnail(BOB, image.id, "large")
    assert (thumb.mime_type, thumb.length, thumb.stream.read()) == ("image/webp", 10, b"webp-large")
    with pytest.raises(InvalidThumbnailSizeError):
        service.open_thumbnail(ALICE, image.id, "huge")
    pdf = service.upload(ALICE, "r.pdf", [samples.PDF])
    with pytest.raises(ThumbnailUnavailableError):
        service.open_thumbnail(ALICE, pdf.id, "small")


def test_only_the_uploader_deletes_and_every_byte_goes(
    service: FileService, storage: FakeFileStorage, store: FakeFileStore
) -> None:
    record = service.upload(ALICE, "p.png", [samples.png()], conversation_id=CONV)
    with pytest.raises(FileDeleteForbiddenError):
        service.delete(BOB, record.id)
    with pytest.raises(StoredFileNotFoundError):
        service.delete(EVE, record.id)
    service.delete(ALICE, record.id)
    assert storage.objects == {} and store.records == {}
    with pytest.raises(StoredFileNotFoundError):
        service.get(ALICE, record.id)


def test_list_for_conversation_is_for_participants_newest_first(service: FileService) -> None:
    first = service.upload(ALICE, "1.pdf", [samples.PDF], conversation_id=CONV)
    second = service.upload(BOB, "2.pdf", [samples.PDF], conversation_id=CONV)
    service.upload(ALICE, "private.pdf", [samples.PDF])
    assert [r.id for r in service.list_for_conversation(BOB, CONV)] == [second.id, first.id]
    with pytest.raises(UploadConversationNotFoundError):
        service.list_for_conversation(EVE, CONV)


def test_attach_links_the_file_to_the_message_conversation(service: FileService) -> None:
    record = service.upload(ALICE, "p.png", [samples.png()])
    assert service.attachable(record.id, EVE, CONV) is None  # not hers
    assert service.attachable("not-an-id", ALICE, CONV) is None
    attached = service.attachable(record.id, ALICE, CONV)
    assert attached is not None and attached.conversation_ids == (CONV,)
    with pytest.raises(StoredFileNotFoundError):  # checked, not linked yet
        service.get(BOB, record.id)
    service.link(record.id, CONV)
    assert service.get(BOB, record.id).id == record.id  # the other participant can read it now
