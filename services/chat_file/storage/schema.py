"""chat_file's database schema as a whole: every context's tables on the kernel's one
`MetaData`, and the alembic history (`migrations/`, version table `alembic_version_chat_file`)
that creates them."""

from __future__ import annotations

from pathlib import Path

from libs.servicekit.sql import SqlSchema
from services.chat_file.announcements.sql import tables as _announcement_tables
from services.chat_file.conversations.sql import tables as _core_tables
from services.chat_file.files.sql import tables as _file_tables
from services.chat_file.kernel.sql import metadata
from services.chat_file.moderation.sql import tables as _moderation_tables
from services.chat_file.push.sql import tables as _push_tables
from services.chat_file.sync.sql import tables as _sync_tables

TABLE_MODULES = (
    _core_tables,
    _file_tables,
    _push_tables,
    _moderation_tables,
    _sync_tables,
    _announcement_tables,
)  # importing them registers their tables on `metadata`
SCHEMA = SqlSchema(str(Path(__file__).with_name("migrations")), "alembic_version_chat_file")

__all__ = ["SCHEMA", "TABLE_MODULES", "metadata"]
