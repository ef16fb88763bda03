"""Per-user change logs (sync): `change_heads` (each user's last number) and `change_log`."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006p"

DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)
USER = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "change_heads",
        sa.Column("user_id", USER, primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "change_log",
        sa.Column("user_id", USER, primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("payload", DOC, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
    )
    op.create_index("change_log_by_time", "change_log", ["created_at"])


def downgrade() -> None:
    op.drop_index("change_log_by_time", table_name="change_log")
    op.drop_table("change_log")
    op.drop_table("change_heads")
