"""Push devices: FCM tokens and Web Push subscriptions, indexed by user."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"

ID = sa.String(24)
USER = sa.String(64)
TIME = sa.DateTime(timezone=True)
DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "push_devices",
        sa.Column("id", ID, primary_key=True),
        sa.Column("user_id", USER, nullable=False),
        sa.Column("device_key", sa.String(128), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("token", sa.Text, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("subscription_keys", DOC),
        sa.Column("app_version", sa.String(32), nullable=False, server_default=""),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.UniqueConstraint("user_id", "device_key", name="push_devices_by_user"),
    )


def downgrade() -> None:
    op.drop_table("push_devices")
