"""File bytes in a directory: `LocalFileStorage` (the default). GridFS lives in `files/mongo/`,
S3 in `s3.py`.

Keys are generated ids (see `files.domain.model.content_key`/`thumbnail_key`), never user
input; every storage adapter refuses any other shape (`checked_key`). A failed `save` leaves
no partial file.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from services.chat_file.files.domain.model import KEY_RE, StoredFileNotFoundError, checked_key


class LocalFileStorage:
    """Files under `root/<2 hex>/<key>`, mode 0600 (never executable), written via a temp file."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        key = checked_key(key)
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
