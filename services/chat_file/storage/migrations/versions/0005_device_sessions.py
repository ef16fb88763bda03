"""Push devices remember the login session that registered them, so that ending the session
(logout, password change, deactivation) removes them."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.add_column("push_devices", sa.Column("session_id", sa.String(64)))
    op.add_column(
        "push_devices", sa.Column("auth_ms", sa.BigInteger, nullable=False, server_default="0")
    )
    op.create_index("ix_push_devices_session_id", "push_devices", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_push_devices_session_id", table_name="push_devices")
    with op.batch_alter_table("push_devices") as batch:
        batch.drop_column("auth_ms")
        batch.drop_column("session_id")
