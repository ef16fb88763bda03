"""Notification settings: per user (DND, quiet hours, previews) and per user per conversation
(level, mute)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"

ID = sa.String(24)
USER = sa.String(64)
TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "notification_user_settings",
        sa.Column("user_id", USER, primary_key=True),
        sa.Column("dnd_until", TIME),
        sa.Column("quiet_start", sa.String(5)),
        sa.Column("quiet_end", sa.String(5)),
        sa.Column("time_zone", sa.String(64)),
        sa.Column("previews", sa.Boolean, nullable=False, server_default=sa.true()),
    )
    op.create_table(
        "notification_conversation_settings",
        sa.Column("user_id", USER, primary_key=True),
        sa.Column("conversation_id", ID, primary_key=True),
        sa.Column("level", sa.String(16), nullable=False, server_default="all"),
        sa.Column("muted_until", TIME),
    )
    op.create_index(
        "notification_settings_by_conversation",
        "notification_conversation_settings",
        ["conversation_id", "user_id"],
    )


def downgrade() -> None:
    op.drop_table("notification_conversation_settings")
    op.drop_table("notification_user_settings")
