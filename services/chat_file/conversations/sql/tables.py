"""The chat_file schema (SQLAlchemy Core). Alembic revisions in `migrations/` create it.

Ids are 24-hex strings (what clients already hold). Receipts are per-member pointers in
`conversation_members`; a message's "deleted for me" marks are rows of `message_hidden`.
Full-text search lives beside `messages`, per dialect (see `search.py` and the migration).
"""

from __future__ import annotations

import sqlalchemy as sa

from services.chat_file.kernel.sql import DOC, ID, TIME, USER, metadata

conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("name", sa.String(200)),
    sa.Column("created_by", USER, nullable=False),
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("last_activity", TIME, nullable=False),
    sa.Column("last_message", DOC),
    sa.Column("seq", sa.Integer, nullable=False, server_default="0"),
    sa.Column("pair_key", sa.String(140), unique=True),  # private conversations only
)

members = sa.Table(
    "conversation_members",
    metadata,
    sa.Column(
        "conversation_id",
        ID,
        sa.ForeignKey("conversations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("user_id", USER, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),  # order of the participant list
    sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("read_up_to", sa.Integer, nullable=False, server_default="0"),
    sa.Column("delivered_up_to", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_read_id", ID),
    sa.Column("read_at", TIME),
    sa.Column("delivered_at", TIME),
    # has sent a message here: a private conversation makes contacts once both have (0006p)
    sa.Column("posted", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("members_by_user", "user_id", "conversation_id"),
)

messages = sa.Table(
    "messages",
    metadata,
    # `num`: insertion order, and the stable integer key SQLite's FTS5 index points at.
    sa.Column("num", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("id", ID, nullable=False, unique=True),
    sa.Column("conversation_id", ID, nullable=False),
    sa.Column("sender_id", USER, nullable=False),
    sa.Column("content", sa.Text, nullable=False, server_default=""),
    sa.Column("type", sa.String(8), nullable=False),
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("seq", sa.Integer, nullable=False, server_default="0"),
    sa.Column("temporary_id", sa.String(100)),
    sa.Column("client_key", sa.String(170), unique=True),  # "<sender>:<temporaryId>"
    sa.Column("file_id", sa.String(64)),
    sa.Column("file", DOC),
    sa.Column("reply_to", ID),
    sa.Column("edited", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("edited_at", TIME),
    sa.Column("edit_history", DOC),
    sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("deleted_at", TIME),
    sa.Column("deleted_by", sa.String(16)),  # "moderation" (revision 0009); NULL: the author
    sa.Column("reactions", DOC),
    sa.Column("mentions", DOC),  # user ids (revision 0004)
    sa.Index("messages_history", "conversation_id", "id"),
    sa.Index("messages_by_seq", "conversation_id", "seq"),
    sa.Index("messages_by_time", "created_at"),  # retention (revision 0010)
)

hidden = sa.Table(
    "message_hidden",
    metadata,
    sa.Column("message_id", ID, sa.ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", USER, primary_key=True),
)

mentions = sa.Table(
    "message_mentions",
    metadata,
    sa.Column("user_id", USER, primary_key=True),
    sa.Column("conversation_id", ID, primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("message_id", ID, nullable=False),
    sa.Index("message_mentions_by_message", "message_id"),  # retention (revision 0010)
)
