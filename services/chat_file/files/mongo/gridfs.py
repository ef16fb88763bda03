"""`GridFSFileStorage`: file bytes as GridFS objects in the service's MongoDB database
(`FILE_STORAGE=gridfs`). A failed `save` leaves no chunks."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from datetime import datetime
from types import SimpleNamespace
from typing import Any, BinaryIO, cast

from gridfs import GridFSBucket
from gridfs.errors import NoFile

from services.chat_file.files.domain.model import KEY_RE, StoredFileNotFoundError, checked_key


def _bucket(db: Any, bucket_name: str) -> GridFSBucket:
    """A GridFSBucket; mongomock needs GridFS support enabled and a `client.options.timeout`."""
    if type(db).__module__.startswith("mongomock"):
        from mongomock.gridfs import enable_gridfs_integration

        enable_gridfs_integration()
        if not isinstance(getattr(db.client.options, "timeout", None), int | float | None):
            db.client.options = SimpleNamespace(timeout=None)
    return GridFSBucket(db, bucket_name=bucket_name)


class GridFSFileStorage:
    """Files as GridFS objects whose `_id` is the key, in the service's MongoDB database."""

    def __init__(self, db: Any, bucket_name: str = "file_bytes") -> None:
        self._bucket = _bucket(db, bucket_name)

    def save(self, key: str, chunks: Iterable[bytes]) -> int:
        stream = self._bucket.open_upload_stream_with_id(checked_key(key), key)
        try:
            for chunk in chunks:
                stream.write(chunk)
        except BaseException:
            stream.abort()
            raise
        stream.close()
        return int(stream.length)

    def open(self, key: str) -> BinaryIO:
        try:
            return cast(BinaryIO, self._bucket.open_download_stream(checked_key(key)))
        except NoFile:
            raise StoredFileNotFoundError() from None

    def delete(self, key: str) -> None:
        with contextlib.suppress(NoFile):
            self._bucket.delete(checked_key(key))

    def stale_keys(self, older_than: datetime) -> Iterator[str]:
        for stored in self._bucket.find({"uploadDate": {"$lt": older_than}}):
            if isinstance(stored._id, str) and KEY_RE.match(stored._id):
                yield stored._id
