"""Blocks between agents (`user_blocks`): keyed by the pair, indexed on the blocked side."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "user_blocks",
        sa.Column("blocker_id", sa.String(64), primary_key=True),
        sa.Column("blocked_id", sa.String(64), primary_key=True),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_index("user_blocks_by_blocked", "user_blocks", ["blocked_id", "blocker_id"])


def downgrade() -> None:
    op.drop_index("user_blocks_by_blocked", table_name="user_blocks")
    op.drop_table("user_blocks")
