"""Directory imports (jobs, one running at a time) and the activation codes of the agents they
create."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "directory_imports",
        sa.Column("num", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("id", sa.String(24), nullable=False, unique=True),
        sa.Column("actor_id", sa.String(24)),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("force", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("phase", sa.String(16), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("total", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("slot", sa.String(16), unique=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("finished_at", TIME),
        sa.Column("result", sa.JSON()),
        sa.Column("error_code", sa.String(40)),
        sa.Column("error_message", sa.String(500)),
    )
    op.create_table(
        "activation_codes",
        sa.Column("user_id", sa.String(24), primary_key=True),
        sa.Column("import_id", sa.String(24)),
        sa.Column("code_hash", sa.String(64)),
        sa.Column("expires_at", TIME),
        sa.Column("issued_at", TIME),
    )
    op.create_index("activation_codes_by_import", "activation_codes", ["import_id"])


def downgrade() -> None:
    op.drop_table("activation_codes")
    op.drop_table("directory_imports")
