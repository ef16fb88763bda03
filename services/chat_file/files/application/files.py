"""FileService: upload (streamed, checked, hashed), read, download ranges, thumbnails, delete.

Ports are the Protocols of `ports.py`; adapters live in infrastructure/ (local directory,
GridFS or S3 for bytes, the stores for metadata, Pillow for thumbnails) and fakes in
tests/unit/chat_file/files.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from itertools import chain

from services.chat_file.files.application.metering import (
    NO_LIMITS,
    UploadLimits,
    UploadMeter,
    read_head,
    utc_day,
)
from services.chat_file.files.application.ports import (
    ConversationAccess,
    DownloadLinks,
    FileDownload,
    FileMetadataStore,
    FileStorage,
    Thumbnailer,
)
from services.chat_file.files.domain.cursors import owner_cursor, parse_owner_cursor
from services.chat_file.files.domain.model import (
    THUMBNAIL_SIZES,
    FileDeleteForbiddenError,
    FileRecord,
    InvalidFileIdError,
    InvalidThumbnailSizeError,
    QuotaExceededError,
    StoredFileNotFoundError,
    ThumbnailUnavailableError,
    UploadConversationNotFoundError,
    UploadReadOnlyError,
    check_file_id,
    content_key,
    detect_media_type,
    new_file_id,
    parse_byte_range,
    sanitize_filename,
    thumbnail_key,
)

logger = logging.getLogger(__name__)


def _now() -> datetime:
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)  # MongoDB keeps ms


class FileService:
    def __init__(
        self,
        *,
        store: FileMetadataStore,
        storage: FileStorage,
        thumbnailer: Thumbnailer,
        conversations: ConversationAccess,
        max_upload_bytes: int,
        new_id: Callable[[], str] = new_file_id,
        clock: Callable[[], datetime] = _now,
        links: DownloadLinks | None = None,
        limits: UploadLimits = NO_LIMITS,
    ) -> None:
        self._store = store
        self._storage = storage
        self._thumbnailer = thumbnailer
        self._conversations = conversations
        self.max_upload_bytes = max_upload_bytes
        self._new_id = new_id
        self._clock = clock
        self._links = links
        self._limits = limits

    def upload(
        self,
        user_id: str,
        filename: str | None,
        chunks: Iterable[bytes],
        conversation_id: str | None = None,
        late_conversation_id: Callable[[], str | None] | None = None,
    ) -> FileRecord:
        """Stream to storage, then thumbnails, then metadata; any failure leaves nothing.

        `late_conversation_id` is asked once the bytes are stored, for a conversation named
        after the file (a form field following it): the file is linked there if the user
        takes part, else deleted again and CONVERSATION_NOT_FOUND raised."""
        name = sanitize_filename(filename)
        if conversation_id and not self._conversations.is_participant(conversation_id, user_id):
            raise UploadConversationNotFoundError()
        if conversation_id and not self._conversations.may_post(conversation_id, user_id):
            raise UploadReadOnlyError()  # a broadcast's recipient: nothing is stored
        source = iter(chunks)
        allowance = self._allowance(user_id)
        head, taken = read_head(source)
        media = detect_media_type(head, name)
        meter = UploadMeter(self.max_upload_bytes, allowance)
        file_id = self._new_id()
        self._storage.save(content_key(file_id), meter.wrap(chain(taken, source)))
        try:
            record = FileRecord(
                id=file_id,
                owner_id=user_id,
                original_name=name,
                mime_type=media.mime,
                kind=media.kind,
                size=meter.size,
                sha256=meter.sha256.hexdigest(),
                created_at=self._clock(),
                conversation_ids=(conversation_id,) if conversation_id else (),
            )
            record = self._add_thumbnails(record)
            self._store.add(record)
        except BaseException:
            self._discard(file_id)
            raise
        if self._limits.daily_bytes:
            self._store.add_daily_volume(user_id, utc_day(record.created_at), meter.size)
        logger.info("file %s stored (%s, %d bytes)", file_id, media.mime, meter.size)
        late = late_conversation_id() if late_conversation_id and not conversation_id else None
        return self._link_late(user_id, record, late) if late else record

    def _link_late(self, user_id: str, record: FileRecord, conversation_id: str) -> FileRecord:
        if not self._conversations.is_participant(conversation_id, user_id):
            self._store.delete(record.id)
            self._discard(record.id)
            raise UploadConversationNotFoundError()
        self._store.link_conversation(record.id, conversation_id)
        return replace(record, conversation_ids=(conversation_id,))

    def _allowance(self, user_id: str) -> int | None:
        """Bytes the user may still upload now (None: no limit); QUOTA_EXCEEDED at 0."""
        left: list[int] = []
        if self._limits.quota_bytes:
            left.append(self._limits.quota_bytes - self._store.usage(user_id))
        if self._limits.daily_bytes:
            today = self._store.daily_volume(user_id, utc_day(self._clock()))
            left.append(self._limits.daily_bytes - today)
        if not left:
            return None
        if min(left) <= 0:
            raise QuotaExceededError(remaining=0)
        return min(left)

    def get(self, user_id: str, file_id: str) -> FileRecord:
        return self._readable(user_id, file_id)

    def open_download(
        self, user_id: str, file_id: str, range_header: str | None = None
    ) -> FileDownload:
        record = self._readable(user_id, file_id)
        byte_range = parse_byte_range(range_header, record.size)
        stream = self._storage.open(content_key(record.id))
        if byte_range is None:
            return FileDownload(record, stream, record.size, None, record.mime_type)
        stream.seek(byte_range.start)
        return FileDownload(record, stream, byte_range.length, byte_range, record.mime_type)

    def download_link(
        self, user_id: str, file_id: str, disposition: Callable[[FileRecord], str]
    ) -> str | None:
        """A short-lived URL to the bytes, after the same access check as `open_download`;
        None when downloads are streamed by the service (no `links`)."""
        if self._links is None:
            return None
        record = self._readable(user_id, file_id)
        return self._links.presigned_url(
            content_key(record.id), record.mime_type, disposition(record)
        )

    def open_thumbnail(self, user_id: str, file_id: str, size: str) -> FileDownload:
        if size not in THUMBNAIL_SIZES:
            raise InvalidThumbnailSizeError()
        record = self._readable(user_id, file_id)
        if size not in record.thumbnails:
            raise ThumbnailUnavailableError()
        stream = self._storage.open(thumbnail_key(record.id, size))
        length = stream.seek(0, 2)
        stream.seek(0)
        return FileDownload(record, stream, length, None, "image/webp")

    def list_for_conversation(
        self, user_id: str, conversation_id: str, limit: int = 50
    ) -> list[FileRecord]:
        if not self._conversations.is_participant(conversation_id, user_id):
            raise UploadConversationNotFoundError()
        return self._store.list_for_conversation(conversation_id, limit)

    def list_own(
        self, user_id: str, limit: int, cursor: str | None = None
    ) -> tuple[list[FileRecord], str | None]:
        """The caller's own files, newest first, and the cursor of the next page (or None)."""
        before = parse_owner_cursor(cursor) if cursor else None
        records = self._store.list_for_owner(user_id, limit + 1, before)
        page = records[:limit]
        return page, owner_cursor(page[-1]) if len(records) > limit else None

    def delete(self, user_id: str, file_id: str) -> None:
        record = self._readable(user_id, file_id)
        if record.owner_id != user_id:
            raise FileDeleteForbiddenError()
        self._store.delete(record.id)  # metadata first: nobody can reach half-deleted bytes
        self._discard(record.id)

    def discard(self, file_id: str) -> None:
        """The system's deletion (retention): metadata first, then the bytes and thumbnails."""
        self._store.delete(file_id)
        self._discard(file_id)

    def attachable(self, file_id: str, user_id: str, conversation_id: str) -> FileRecord | None:
        """The file as it will be once attached (None if the user may not attach it); writes
        nothing: a message refused later must leave no trace (`link` after it is stored)."""
        try:
            record = self._readable(user_id, file_id)
        except (StoredFileNotFoundError, InvalidFileIdError):
            return None
        if conversation_id not in record.conversation_ids:
            record = replace(record, conversation_ids=(*record.conversation_ids, conversation_id))
        return record

    def link(self, file_id: str, conversation_id: str) -> None:
        """Make the file readable in the conversation (idempotent)."""
        record = self._store.get(check_file_id(file_id))
        if record is not None and conversation_id not in record.conversation_ids:
            self._store.link_conversation(record.id, conversation_id)

    def unlink(self, file_id: str, conversation_id: str) -> None:
        """The file is no longer readable in the conversation: its last live message there
        was deleted for everyone (the uploader keeps it)."""
        record = self._store.get(check_file_id(file_id))
        if record is not None and conversation_id in record.conversation_ids:
            self._store.unlink_conversation(record.id, conversation_id)

    def _readable(self, user_id: str, file_id: str) -> FileRecord:
        """The one access check: the uploader or a participant of one of its conversations."""
        record = self._store.get(check_file_id(file_id))
        if record is None:
            raise StoredFileNotFoundError()
        if record.owner_id == user_id or any(
            self._conversations.is_participant(c, user_id) for c in record.conversation_ids
        ):
            return record
        raise StoredFileNotFoundError()

    def _add_thumbnails(self, record: FileRecord) -> FileRecord:
        if not record.is_image:
            return record
        with self._storage.open(content_key(record.id)) as source:
            rendition = self._thumbnailer.render(source, THUMBNAIL_SIZES)
        for size, data in rendition.thumbnails.items():
            self._storage.save(thumbnail_key(record.id, size), [data])
        return replace(
            record,
            thumbnails=tuple(rendition.thumbnails),
            width=rendition.width,
            height=rendition.height,
        )

    def _discard(self, file_id: str) -> None:
        discard_bytes(self._storage, file_id)


def discard_bytes(storage: FileStorage, file_id: str) -> None:
    """Delete a file's bytes and thumbnails (after its metadata: nobody reaches them then)."""
    for key in [content_key(file_id), *(thumbnail_key(file_id, s) for s in THUMBNAIL_SIZES)]:
        try:
            storage.delete(key)
        except Exception:  # the metadata is gone already; an orphan is only disk space
            logger.exception("could not delete stored bytes %s", key)
