"""The sync context's tables: each user's change log (`change_log`, keyed by user and number)
and each user's last allocated number (`change_heads`, moved in the transaction that adds the
entries, so numbers never repeat or skip and survive compaction)."""

from __future__ import annotations

import sqlalchemy as sa

from services.chat_file.kernel.sql import DOC, TIME, USER, metadata

change_heads = sa.Table(
    "change_heads",
    metadata,
    sa.Column("user_id", USER, primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
)

change_log = sa.Table(
    "change_log",
    metadata,
    sa.Column("user_id", USER, primary_key=True),
    sa.Column("seq", sa.BigInteger, primary_key=True),
    sa.Column("event", sa.String(64), nullable=False),
    sa.Column("payload", DOC, nullable=False),
    sa.Column("created_at", TIME, nullable=False),
    sa.Index("change_log_by_time", "created_at"),
)
