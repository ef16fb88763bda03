"""`python -m services.chat_file.retention`: delete the messages the retention policy says are
expired (the global `RETENTION_DAYS` and the per-conversation overrides), in batches of at most
`RETENTION_BATCH` (≤ 1 000) messages, with the files only they carried, and exit. Run it from
cron on one host (e.g. nightly); a second run right after finds nothing to delete.

The retention job's composition root: the stores, the files context (the configured bytes
storage, to discard files and thumbnails) and the moderation context's `RetentionService`."""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from services.chat_file.bootstrap import open_stores
from services.chat_file.conversations.facade import Participation
from services.chat_file.files.application.ports import FileStorage
from services.chat_file.files.wiring import file_storage as configured_storage
from services.chat_file.files.wiring import wire_files
from services.chat_file.moderation.application.retention import RetentionService
from services.chat_file.moderation.wiring import retention_service
from services.chat_file.settings import Settings
from services.chat_file.storage.stores import ChatStores


def build_retention(
    settings: Settings,
    *,
    stores: ChatStores | None = None,
    db: Any = None,
    file_storage: FileStorage | None = None,
    clock: Callable[[], datetime] | None = None,
) -> tuple[RetentionService, ChatStores]:
    """The retention service over the configured stores and file storage (close them after)."""
    stores = stores or open_stores(settings, db)
    storage = file_storage or configured_storage(settings, stores.database_files)
    files = wire_files(
        settings, store=stores.files, storage=storage, access=Participation(stores.conversations)
    )
    return retention_service(settings, stores, files.files, clock), stores


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    argparse.ArgumentParser(prog="python -m services.chat_file.retention").parse_args(argv)
    retention, stores = build_retention(Settings.from_env())
    try:
        report = retention.run()
    finally:
        stores.close()
    print(json.dumps(asdict(report)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
