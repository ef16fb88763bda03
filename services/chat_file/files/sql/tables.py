"""The files context's tables: file metadata (`files`) and the conversations each file is
readable in (`file_conversations`), and the bytes each user uploaded per day (`upload_volume`,
kept when the files are deleted: the daily volume counts what was sent)."""

from __future__ import annotations

import sqlalchemy as sa

from services.chat_file.kernel.sql import DOC, ID, TIME, USER, metadata

files = sa.Table(
    "files",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("owner_id", USER, nullable=False),
    sa.Column("original_name", sa.String(255), nullable=False),
    sa.Column("mime_type", sa.String(127), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("thumbnails", DOC),
    sa.Column("width", sa.Integer),
    sa.Column("height", sa.Integer),
    sa.Index("files_by_owner", "owner_id", "created_at"),
    sa.Index("files_by_created_at", "created_at"),
)

file_links = sa.Table(
    "file_conversations",
    metadata,
    sa.Column(
        "file_id", sa.String(64), sa.ForeignKey("files.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("conversation_id", ID, primary_key=True),
    sa.Column("linked_at", TIME, nullable=False),
    sa.Index("file_links_by_conversation", "conversation_id", "file_id"),
)

upload_volume = sa.Table(
    "upload_volume",
    metadata,
    sa.Column("owner_id", USER, primary_key=True),
    sa.Column("day", sa.String(10), primary_key=True),  # UTC day, YYYY-MM-DD
    sa.Column("bytes", sa.BigInteger, nullable=False),
)
