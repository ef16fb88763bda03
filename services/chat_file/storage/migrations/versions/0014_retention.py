"""Retention: per-conversation overrides (`retention_policies`), and the indexes the purge
reads through: messages by creation time, mentions by message."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "retention_policies",
        sa.Column("conversation_id", sa.String(24), primary_key=True),
        sa.Column("days", sa.Integer, nullable=False),
        sa.Column("set_by", sa.String(64), nullable=False),
        sa.Column("set_at", TIME, nullable=False),
    )
    op.create_index("messages_by_time", "messages", ["created_at"])
    op.create_index("message_mentions_by_message", "message_mentions", ["message_id"])


def downgrade() -> None:
    op.drop_index("message_mentions_by_message", table_name="message_mentions")
    op.drop_index("messages_by_time", table_name="messages")
    op.drop_table("retention_policies")
