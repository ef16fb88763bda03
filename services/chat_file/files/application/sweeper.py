"""The file sweeper's two jobs (`python -m services.chat_file.sweep_files`).

OrphanSweeper: stored bytes that no file metadata references, left by a process killed
between writing an object and recording its row (a failure that is not a crash cleans up
after itself in FileService.upload). Only objects older than a grace period are considered, so
an upload in progress is never touched.

UnattachedSweeper: uploads attached to no conversation, kept `UNATTACHED_UPLOAD_TTL`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from services.chat_file.files.application.files import discard_bytes
from services.chat_file.files.application.ports import FileMetadataStore, FileStorage

logger = logging.getLogger(__name__)
FILE_ID_LENGTH = 24  # keys are `<file id>` or `<file id>-<size>.webp`


class SweepableStorage(Protocol):
    def stale_keys(self, older_than: datetime) -> Iterable[str]:
        """Keys of objects last written before `older_than`."""
        ...

    def delete(self, key: str) -> None: ...


class OrphanSweeper:
    def __init__(
        self,
        storage: SweepableStorage,
        store: FileMetadataStore,
        grace: timedelta = timedelta(hours=1),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._storage = storage
        self._store = store
        self._grace = grace
        self._clock = clock

    def sweep(self) -> list[str]:
        """Delete the orphaned objects; returns their keys."""
        removed = []
        known: dict[str, bool] = {}
        for key in self._storage.stale_keys(self._clock() - self._grace):
            file_id = key[:FILE_ID_LENGTH]
            if file_id not in known:
                known[file_id] = self._store.get(file_id) is not None
            if not known[file_id]:
                self._storage.delete(key)
                removed.append(key)
        logger.info("orphan sweep: %d object(s) removed", len(removed))
        return removed


class UnattachedSweeper:
    """Uploads that no conversation uses, older than `ttl` (`UNATTACHED_UPLOAD_TTL`): the
    metadata is deleted only if the file is still unattached at that moment (one conditional
    delete, so a file attached meanwhile stays), then its bytes."""

    def __init__(
        self,
        store: FileMetadataStore,
        storage: FileStorage,
        ttl: timedelta,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        batch: int = 500,
    ) -> None:
        self._store = store
        self._storage = storage
        self._ttl = ttl
        self._clock = clock
        self._batch = batch

    def sweep(self) -> list[str]:
        """Delete them; returns their file ids."""
        cutoff = self._clock() - self._ttl
        removed: list[str] = []
        while True:
            page = self._store.unattached_before(cutoff, self._batch)
            for record in page:
                if self._store.delete_unattached(record.id):
                    discard_bytes(self._storage, record.id)
                    removed.append(record.id)
            if len(page) < self._batch:
                break
        logger.info("unattached sweep: %d upload(s) removed", len(removed))
        return removed
