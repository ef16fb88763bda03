"""Moderation: reports of messages (one per message and reporter, with a snapshot of the
message) and the moderation audit trail."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"

TIME = sa.DateTime(timezone=True)
DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "message_reports",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("message_id", sa.String(24), nullable=False),
        sa.Column("conversation_id", sa.String(24), nullable=False),
        sa.Column("reporter_id", sa.String(64), nullable=False),
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("snapshot", DOC, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("closed_by", sa.String(64)),
        sa.Column("closed_at", TIME),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("message_id", "reporter_id", name="message_reports_once"),
    )
    op.create_index("message_reports_by_status", "message_reports", ["status", "id"])
    op.create_table(
        "moderation_audit",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("at", TIME, nullable=False),
        sa.Column("actor_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target_type", sa.String(32), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=False),
        sa.Column("detail", DOC, nullable=False),
    )
    op.create_index("moderation_audit_by_target", "moderation_audit", ["target_id", "id"])


def downgrade() -> None:
    op.drop_index("moderation_audit_by_target", table_name="moderation_audit")
    op.drop_table("moderation_audit")
    op.drop_index("message_reports_by_status", table_name="message_reports")
    op.drop_table("message_reports")
