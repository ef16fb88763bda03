"""`python -m services.chat_file.sweep_files [--grace-minutes 60]`: delete stored file bytes
that no metadata row references (left by a process killed mid-upload), then the uploads no
conversation uses that are older than `UNATTACHED_UPLOAD_TTL` (24 h), and exit. Run it from
cron on one host; objects younger than the grace period are never touched.

The file sweeper's composition root: the files context alone (its metadata store and the
configured bytes storage)."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from services.chat_file.bootstrap import open_stores
from services.chat_file.files.application.ports import FileStorage
from services.chat_file.files.application.sweeper import OrphanSweeper, UnattachedSweeper
from services.chat_file.files.wiring import file_storage as configured_storage
from services.chat_file.files.wiring import orphan_sweeper, unattached_sweeper
from services.chat_file.settings import Settings
from services.chat_file.storage.stores import ChatStores


def build_file_sweeper(
    settings: Settings,
    grace: timedelta,
    *,
    stores: ChatStores | None = None,
    db: Any = None,
    file_storage: FileStorage | None = None,
) -> tuple[OrphanSweeper, ChatStores]:
    """The orphan sweeper over the configured storage and the stores (close them after)."""
    stores = stores or open_stores(settings, db)
    storage = file_storage or configured_storage(settings, stores.database_files)
    return orphan_sweeper(storage, stores.files, grace), stores


def build_unattached_sweeper(
    settings: Settings, stores: ChatStores, file_storage: FileStorage | None = None
) -> UnattachedSweeper:
    """The sweep of uploads no conversation uses, over stores already open."""
    storage = file_storage or configured_storage(settings, stores.database_files)
    return unattached_sweeper(storage, stores.files, settings.file_limits)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="python -m services.chat_file.sweep_files")
    parser.add_argument("--grace-minutes", type=float, default=60.0)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    sweeper, stores = build_file_sweeper(settings, timedelta(minutes=args.grace_minutes))
    try:
        removed = sweeper.sweep()
        unattached = build_unattached_sweeper(settings, stores).sweep()
    finally:
        stores.close()
    print(f"{len(removed)} orphaned object(s) removed")
    print(f"{len(unattached)} unattached upload(s) older than the TTL removed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
