"""Legal holds (`legal_holds`) and the kept copies of held messages deleted for everyone
(`held_messages`)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0015"
down_revision = "0014"

TIME = sa.DateTime(timezone=True)
DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("released_by", sa.String(64)),
        sa.Column("released_at", TIME),
    )
    op.create_index("legal_holds_by_target", "legal_holds", ["target_id", "kind"])
    op.create_table(
        "held_messages",
        sa.Column("message_id", sa.String(24), primary_key=True),
        sa.Column("conversation_id", sa.String(24), nullable=False),
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("edit_history", DOC, nullable=False),
        sa.Column("kept_at", TIME, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("held_messages")
    op.drop_index("legal_holds_by_target", table_name="legal_holds")
    op.drop_table("legal_holds")
