"""Upload bounds (issue 23, row 8): the bytes each user uploaded per UTC day, and an index on
`files.created_at` for the sweep of uploads no conversation uses."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "upload_volume",
        sa.Column("owner_id", sa.String(64), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("bytes", sa.BigInteger, nullable=False),
    )
    op.create_index("files_by_created_at", "files", ["created_at"])


def downgrade() -> None:
    op.drop_index("files_by_created_at", table_name="files")
    op.drop_table("upload_volume")
