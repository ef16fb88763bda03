"""Fakes for the FileService ports (storage, metadata, thumbnails, conversation access)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import BinaryIO

from services.chat_file.files.application.ports import Rendition
from services.chat_file.files.domain.model import (
    CorruptImageError,
    FileRecord,
    ImageTooLargeError,
    StoredFileNotFoundError,
)
from tests.fake_stores import FakeFileStore as SharedFakeFileStore


class FakeFileStorage:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def save(self, key: str, chunks: Iterable[bytes]) -> int:
        data = b"".join(chunks)  # raises before anything is kept, like the real adapters
        self.objects[key] = data
        return len(data)

    def open(self, key: str) -> BinaryIO:
        if key not in self.objects:
            raise StoredFileNotFoundError()
        return io.BytesIO(self.objects[key])

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)


class FakeFileStore(SharedFakeFileStore):
    """The shared fake (tests/fake_stores.py), with `records` and a switch to fail `add`."""

    def __init__(self) -> None:
        super().__init__()
        self.records = self.rows
        self.fail_on_add = False

    def add(self, record: FileRecord) -> None:
        if self.fail_on_add:
            raise ConnectionError("database down")
        super().add(record)


class FakeThumbnailer:
    """Any image "decodes" unless its bytes contain b"corrupt" or b"bomb"."""

    def render(self, source: BinaryIO, sizes: Mapping[str, int]) -> Rendition:
        data = source.read()
        if b"corrupt" in data:
            raise CorruptImageError()
        if b"bomb" in data:
            raise ImageTooLargeError()
        return Rendition(640, 480, {name: f"webp-{name}".encode() for name in sizes})


class FakeConversationAccess:
    def __init__(self, participants: Mapping[str, set[str]] | None = None) -> None:
        self.participants = {k: set(v) for k, v in (participants or {}).items()}
        self.read_only: set[tuple[str, str]] = set()  # (conversation, a broadcast's recipient)

    def is_participant(self, conversation_id: str, user_id: str) -> bool:
        return user_id in self.participants.get(conversation_id, set())

    def may_post(self, conversation_id: str, user_id: str) -> bool:
        return self.is_participant(conversation_id, user_id) and (
            (conversation_id, user_id) not in self.read_only
        )


class FakeDownloadLinks:
    """Signs nothing: the URL spells out what a real presigner would be asked for."""

    def presigned_url(self, key: str, mime_type: str, content_disposition: str) -> str:
        return f"https://objects.example/{key}?type={mime_type}&cd={content_disposition}"
