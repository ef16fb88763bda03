"""The announcements context's tables.

`broadcasts` holds the audience as a small JSON document (units and named agents), never a
row per recipient; `org_members` is each agent's current unit (folded names), the one table
the census and the push fan-out read the audience from; `announcement_receipts` gets a row
only when a recipient's device reports delivery, a read or an acknowledgement.
"""

from __future__ import annotations

import sqlalchemy as sa

from services.chat_file.kernel.sql import DOC, ID, TIME, USER, metadata

UNIT = sa.String(200)

broadcasts = sa.Table(
    "broadcasts",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("created_by", USER, nullable=False),
    sa.Column("admins", DOC, nullable=False),  # [user id...]
    sa.Column("audience", DOC, nullable=False),  # {units: [[m, d, s]...], agents: [...]}
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("last_message_at", TIME),
    sa.Column("message_count", sa.Integer, nullable=False, server_default="0"),
)

announcements = sa.Table(
    "announcements",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("broadcast_id", ID, nullable=False),
    sa.Column("sender_id", USER, nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("priority", sa.String(16), nullable=False),
    sa.Column("request_ack", sa.Boolean, nullable=False),
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("next_reminder_at", TIME),  # null: no (more) reminders
    sa.Column("reminder_rounds", sa.Integer, nullable=False, server_default="0"),
    sa.Index("announcements_by_broadcast", "broadcast_id", "created_at"),
    sa.Index("announcements_reminders_due", "next_reminder_at"),
)

org_members = sa.Table(
    "org_members",
    metadata,
    sa.Column("user_id", USER, primary_key=True),
    sa.Column("ministere_key", UNIT, nullable=False),
    sa.Column("direction_key", UNIT, nullable=False, server_default=""),
    sa.Column("service_key", UNIT, nullable=False, server_default=""),
    # a unit's agents in id order, from the index alone (census, fan-out pages)
    sa.Index("org_members_by_unit", "ministere_key", "direction_key", "service_key", "user_id"),
)

receipts = sa.Table(
    "announcement_receipts",
    metadata,
    sa.Column("announcement_id", ID, primary_key=True),
    sa.Column("user_id", USER, primary_key=True),
    sa.Column("delivered_at", TIME),
    sa.Column("read_at", TIME),
    sa.Column("acked_at", TIME),
)
