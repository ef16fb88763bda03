"""Second factor: TOTP credentials and recovery codes."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "mfa_credentials",
        sa.Column("user_id", sa.String(24), primary_key=True),
        sa.Column("secret", sa.String(255), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("last_step", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "mfa_recovery_codes",
        sa.Column("user_id", sa.String(24), primary_key=True),
        sa.Column("code_hash", sa.String(64), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("mfa_recovery_codes")
    op.drop_table("mfa_credentials")
