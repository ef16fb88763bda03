"""Announcements (issue 28): broadcasts with their audience as a document, announcements,
receipts written only when they happen, and each agent's current org unit."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0007"

DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("admins", DOC, nullable=False),
        sa.Column("audience", DOC, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("last_message_at", TIME),
        sa.Column("message_count", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "announcements",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("broadcast_id", sa.String(24), nullable=False),
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("request_ack", sa.Boolean, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("next_reminder_at", TIME),
        sa.Column("reminder_rounds", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("announcements_reminders_due", "announcements", ["next_reminder_at"])
    op.create_index("announcements_by_broadcast", "announcements", ["broadcast_id", "created_at"])
    op.create_table(
        "org_members",
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("ministere_key", sa.String(200), nullable=False),
        sa.Column("direction_key", sa.String(200), nullable=False, server_default=""),
        sa.Column("service_key", sa.String(200), nullable=False, server_default=""),
    )
    op.create_index(
        "org_members_by_unit",
        "org_members",
        ["ministere_key", "direction_key", "service_key", "user_id"],
    )
    op.create_table(
        "announcement_receipts",
        sa.Column("announcement_id", sa.String(24), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("delivered_at", TIME),
        sa.Column("read_at", TIME),
        sa.Column("acked_at", TIME),
    )


def downgrade() -> None:
    op.drop_table("announcement_receipts")
    op.drop_index("org_members_by_unit", table_name="org_members")
    op.drop_table("org_members")
    op.drop_index("announcements_by_broadcast", table_name="announcements")
    op.drop_index("announcements_reminders_due", table_name="announcements")
    op.drop_table("announcements")
    op.drop_table("broadcasts")
