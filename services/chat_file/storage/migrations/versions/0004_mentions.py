"""Mentions: the mentioned user ids on each message, and an index of mentions per user for the
unread-mention counts."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"

DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("messages", sa.Column("mentions", DOC))
    op.create_table(
        "message_mentions",
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("conversation_id", sa.String(24), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("message_id", sa.String(24), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("message_mentions")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("mentions")
