"""Messages remember who deleted them for everyone: "moderation" when a moderator removed it,
NULL when its author did (every message deleted before this revision)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"


def upgrade() -> None:
    op.add_column("messages", sa.Column("deleted_by", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("deleted_by")
