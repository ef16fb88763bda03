"""`python -m services.chat_file.compact_changes`: remove the change-log entries older than
`SYNC_WINDOW` (every user's; their numbers go on from where they were) and exit. Run it from
cron on one host, e.g. hourly: a client whose token needs a removed entry gets
`SYNC_TOKEN_EXPIRED` and reloads, never a silent gap.

The compaction's composition root: the stores and the sync context alone."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from services.chat_file.bootstrap import open_stores
from services.chat_file.settings import Settings
from services.chat_file.storage.stores import ChatStores
from services.chat_file.sync.application.sync import SyncService
from services.chat_file.sync.wiring import wire_sync

logger = logging.getLogger(__name__)


def build_compaction(
    settings: Settings,
    *,
    stores: ChatStores | None = None,
    db: Any = None,
    clock: Callable[[], datetime] | None = None,
) -> tuple[SyncService, ChatStores]:
    """The sync use case over the configured stores (close them after)."""
    stores = stores or open_stores(settings, db)
    return wire_sync(settings, stores.changes, clock).sync, stores


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    del argv  # no options: the window is SYNC_WINDOW
    sync, stores = build_compaction(Settings.from_env())
    try:
        removed = sync.compact()
    finally:
        stores.close()
    print(f"{removed} change-log entr{'y' if removed == 1 else 'ies'} removed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
