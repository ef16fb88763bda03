"""File bytes: `LocalFileStorage` (a directory, the default) and `GridFSFileStorage` (MongoDB).

Keys are generated ids (see domain.files.content_key/thumbnail_key), never user input; both
adapters refuse any other shape. A failed `save` leaves neither a partial file nor chunks.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, BinaryIO, cast

from gridfs import GridFSBucket
from gridfs.errors import NoFile

from services.chat_file.domain.files import StoredFileNotFoundError

KEY_RE = re.compile(r"^[0-9a-f]{24}(?:-[a-z]+\.webp)?$")


def _checked(key: str) -> str:
    if not KEY_RE.match(key):
        raise ValueError(f"invalid storage key {key!r}")
    return key


checked_key = _checked  # the key check every adapter applies (S3 too)


class LocalFileStorage:
    """Files under `root/<2 hex>/<key>`, mode 0600 (never executable), written via a temp file."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        key = _checked(key)
        return self.root / key[:2] / key

    def save(self, key: str, chunks: Iterable[bytes]) -> int:
        final = self.path(key)
        final.parent.mkdir(exist_ok=True)
        partial = final.with_name(f".{key}.{secrets.token_hex(4)}.part")
        size = 0
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                    size += len(chunk)
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return size

    def open(self, key: str) -> BinaryIO:
        try:
            return self.path(key).open("rb")
        except FileNotFoundError:
            raise StoredFileNotFoundError() from None

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def stale_keys(self, older_than: datetime) -> Iterator[str]:
        cutoff = older_than.timestamp()
        for path in self.root.glob("??/*"):
            if KEY_RE.match(path.name) and path.stat().st_mtime < cutoff:
                yield path.name


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
        stream = self._bucket.open_upload_stream_with_id(_checked(key), key)
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
            return cast(BinaryIO, self._bucket.open_download_stream(_checked(key)))
        except NoFile:
            raise StoredFileNotFoundError() from None

    def delete(self, key: str) -> None:
        with contextlib.suppress(NoFile):
            self._bucket.delete(_checked(key))

    def stale_keys(self, older_than: datetime) -> Iterator[str]:
        for stored in self._bucket.find({"uploadDate": {"$lt": older_than}}):
            if isinstance(stored._id, str) and KEY_RE.match(stored._id):
                yield stored._id
