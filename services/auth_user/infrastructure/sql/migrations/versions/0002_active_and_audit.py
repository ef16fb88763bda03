"""Account lifecycle: `users.active`, and the audit log of security events."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    # SQLite: a plain ADD COLUMN; alembic's batch copy of the table would drop the FTS5 triggers.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE users ADD COLUMN active BOOLEAN NOT NULL DEFAULT 1")
    else:
        op.add_column(
            "users", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.create_table(
        "audit_events",
        sa.Column("num", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("user_id", sa.String(24)),
        sa.Column("actor_id", sa.String(24)),
        sa.Column("ip", sa.String(64), nullable=False, server_default=""),
        sa.Column("detail", sa.String(500), nullable=False, server_default=""),
    )
    op.create_index("audit_events_by_user", "audit_events", ["user_id", "num"])
    op.create_index("audit_events_by_kind", "audit_events", ["kind", "num"])


def downgrade() -> None:
    op.drop_table("audit_events")
    op.execute("ALTER TABLE users DROP COLUMN active")
