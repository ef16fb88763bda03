"""FileService's ports: bytes by key, metadata, thumbnails, signed links, membership."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Protocol

from services.chat_file.files.domain.model import ByteRange, FileRecord


class FileStorage(Protocol):
    """Bytes by key. `save` is all or nothing: if `chunks` raises, nothing is left behind."""

    def save(self, key: str, chunks: Iterable[bytes]) -> int: ...

    def open(self, key: str) -> BinaryIO:
        """A readable, seekable stream; `StoredFileNotFoundError` when the key is absent."""
        ...

    def delete(self, key: str) -> None:
        """Remove the bytes; absent keys are ignored."""
        ...


class FileMetadataStore(Protocol):
    def add(self, record: FileRecord) -> None: ...

    def get(self, file_id: str) -> FileRecord | None: ...

    def list_for_conversation(self, conversation_id: str, limit: int) -> list[FileRecord]: ...

    def link_conversation(self, file_id: str, conversation_id: str) -> None: ...

    def unlink_conversation(self, file_id: str, conversation_id: str) -> None:
        """The file is no longer readable in (nor listed for) the conversation; idempotent."""
        ...

    def delete(self, file_id: str) -> bool: ...

    def delete_unattached(self, file_id: str) -> bool:
        """Delete the metadata only if no conversation uses the file (checked atomically)."""
        ...

    def unattached_before(self, cutoff: datetime, limit: int) -> list[FileRecord]:
        """Files created before `cutoff` that no conversation uses, oldest first."""
        ...

    def list_for_owner(
        self, owner_id: str, limit: int, before: tuple[datetime, str] | None = None
    ) -> list[FileRecord]:
        """The owner's files, newest first, strictly before `(created_at, id)` when given."""
        ...

    def usage(self, owner_id: str) -> int:
        """Bytes the owner's stored files add up to."""
        ...

    def daily_volume(self, owner_id: str, day: str) -> int:
        """Bytes the owner uploaded on the UTC day `YYYY-MM-DD` (deleted files included)."""
        ...

    def add_daily_volume(self, owner_id: str, day: str, size: int) -> None: ...


@dataclass(frozen=True)
class Rendition:
    """A decoded image: its dimensions and one WebP thumbnail per size name."""

    width: int
    height: int
    thumbnails: Mapping[str, bytes]


class Thumbnailer(Protocol):
    def render(self, source: BinaryIO, sizes: Mapping[str, int]) -> Rendition:
        """Raises `CorruptImageError` (undecodable) or `ImageTooLargeError` (bomb)."""
        ...


class DownloadLinks(Protocol):
    """Short-lived direct URLs to stored bytes (S3 presigned GETs), for redirect downloads."""

    def presigned_url(self, key: str, mime_type: str, content_disposition: str) -> str: ...


class ConversationAccess(Protocol):
    def is_participant(self, conversation_id: str, user_id: str) -> bool: ...

    def may_post(self, conversation_id: str, user_id: str) -> bool:
        """A participant who may add to it (a broadcast's recipients may not)."""
        ...


@dataclass(frozen=True)
class FileDownload:
    record: FileRecord
    stream: BinaryIO  # positioned at the first byte to send
    length: int
    byte_range: ByteRange | None = None
    mime_type: str = ""
