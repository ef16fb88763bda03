"""The cursor of a list of one owner's files (`GET /files`): opaque to clients, the
`(created_at, id)` of the last file of the previous page inside."""

from __future__ import annotations

import base64
from datetime import datetime

from services.chat_file.files.domain.model import FileError, FileRecord
from services.chat_file.kernel.ids import is_object_id


class InvalidFileCursorError(FileError):
    code = "INVALID_CURSOR"
    message = "Curseur de pagination invalide"


def owner_cursor(record: FileRecord) -> str:
    """The opaque cursor after `record` in a list of one owner's files (newest first)."""
    raw = f"{record.created_at.isoformat()}|{record.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parse_owner_cursor(cursor: str) -> tuple[datetime, str]:
    """`(created_at, id)` of an `owner_cursor`; INVALID_CURSOR for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, file_id = raw.split("|")
        moment = datetime.fromisoformat(at)
    except ValueError:  # bad base64 (binascii.Error), bad UTF-8, bad shape or time
        raise InvalidFileCursorError() from None
    if moment.tzinfo is None or not is_object_id(file_id):
        raise InvalidFileCursorError()
    return moment, file_id
