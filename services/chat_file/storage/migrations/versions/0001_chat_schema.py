"""chat_file schema: conversations, members' receipt pointers, messages, files, search."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None

ID = sa.String(24)
USER = sa.String(64)
TIME = sa.DateTime(timezone=True)
DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    _conversations()
    _messages()
    _files()
    if op.get_bind().dialect.name == "postgresql":
        _postgres_search()
    else:
        _sqlite_search()


def _conversations() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", ID, primary_key=True),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200)),
        sa.Column("created_by", USER, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("last_activity", TIME, nullable=False),
        sa.Column("last_message", DOC),
        sa.Column("seq", sa.Integer, nullable=False, server_default="0"),
        sa.Column("pair_key", sa.String(140), unique=True),
    )
    op.create_table(
        "conversation_members",
        sa.Column(
            "conversation_id",
            ID,
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("user_id", USER, primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("read_up_to", sa.Integer, nullable=False, server_default="0"),
        sa.Column("delivered_up_to", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_read_id", ID),
        sa.Column("read_at", TIME),
        sa.Column("delivered_at", TIME),
    )
    op.create_index("members_by_user", "conversation_members", ["user_id", "conversation_id"])


def _messages() -> None:
    op.create_table(
        "messages",
        sa.Column("num", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("id", ID, nullable=False, unique=True),
        sa.Column("conversation_id", ID, nullable=False),
        sa.Column("sender_id", USER, nullable=False),
        sa.Column("content", sa.Text, nullable=False, server_default=""),
        sa.Column("type", sa.String(8), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False, server_default="0"),
        sa.Column("temporary_id", sa.String(100)),
        sa.Column("client_key", sa.String(170), unique=True),
        sa.Column("file_id", sa.String(64)),
        sa.Column("file", DOC),
        sa.Column("reply_to", ID),
        sa.Column("edited", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("edited_at", TIME),
        sa.Column("edit_history", DOC),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("deleted_at", TIME),
        sa.Column("reactions", DOC),
    )
    op.create_index("messages_history", "messages", ["conversation_id", "id"])
    op.create_index("messages_by_seq", "messages", ["conversation_id", "seq"])
    op.create_table(
        "message_hidden",
        sa.Column(
            "message_id",
            ID,
            sa.ForeignKey("messages.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("user_id", USER, primary_key=True),
    )


def _files() -> None:
    op.create_table(
        "files",
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
    )
    op.create_index("files_by_owner", "files", ["owner_id", "created_at"])
    op.create_table(
        "file_conversations",
        sa.Column(
            "file_id",
            sa.String(64),
            sa.ForeignKey("files.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("conversation_id", ID, primary_key=True),
        sa.Column("linked_at", TIME, nullable=False),
    )
    op.create_index(
        "file_links_by_conversation", "file_conversations", ["conversation_id", "file_id"]
    )


def _postgres_search() -> None:
    """French stemming without accents: a text search configuration `ngomna_fr` (french +
    unaccent) makes the generated tsvector immutable; a GIN index serves the queries."""
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute(
        """
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'ngomna_fr') THEN
            CREATE TEXT SEARCH CONFIGURATION ngomna_fr (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION ngomna_fr
              ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
          END IF;
        END $$
        """
    )
    op.execute(
        "ALTER TABLE messages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        "(to_tsvector('ngomna_fr'::regconfig, content)) STORED"
    )
    op.execute("CREATE INDEX messages_search ON messages USING gin (search_vector)")


def _sqlite_search() -> None:
    """FTS5 over `messages.content` (external content, keyed by `num`), kept by triggers."""
    op.execute(
        "CREATE VIRTUAL TABLE messages_fts USING fts5(content, content='messages', "
        "content_rowid='num', tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
        "INSERT INTO messages_fts(rowid, content) VALUES (new.num, new.content); END"
    )
    op.execute(
        "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
        "INSERT INTO messages_fts(messages_fts, rowid, content) "
        "VALUES ('delete', old.num, old.content); END"
    )
    op.execute(
        "CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN "
        "INSERT INTO messages_fts(messages_fts, rowid, content) "
        "VALUES ('delete', old.num, old.content); "
        "INSERT INTO messages_fts(rowid, content) VALUES (new.num, new.content); END"
    )


def downgrade() -> None:
    for table in ("file_conversations", "files", "message_hidden"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS messages_fts")
    for table in ("messages", "conversation_members", "conversations"):
        op.drop_table(table)
