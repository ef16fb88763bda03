"""Who has sent a message in each conversation (`conversation_members.posted`): a private
conversation makes its two people contacts (presence) only once both have written in it.
Existing rows are filled from the stored messages."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006p"
down_revision = "0006"


def upgrade() -> None:
    op.add_column(
        "conversation_members",
        sa.Column("posted", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.execute(
        "UPDATE conversation_members SET posted = TRUE WHERE EXISTS (SELECT 1 FROM messages m"
        " WHERE m.conversation_id = conversation_members.conversation_id"
        " AND m.sender_id = conversation_members.user_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("conversation_members") as batch:
        batch.drop_column("posted")
