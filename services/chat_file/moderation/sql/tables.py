"""The moderation context's tables: reports of messages (`message_reports`, one per message and
reporter) and the audit trail of moderation (`moderation_audit`)."""

from __future__ import annotations

import sqlalchemy as sa

from services.chat_file.kernel.sql import DOC, ID, TIME, USER, metadata

reports = sa.Table(
    "message_reports",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("message_id", ID, nullable=False),
    sa.Column("conversation_id", ID, nullable=False),
    sa.Column("reporter_id", USER, nullable=False),
    sa.Column("sender_id", USER, nullable=False),  # the snapshot's author, for the filter
    sa.Column("reason", sa.String(32), nullable=False),
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
    sa.Column("snapshot", DOC, nullable=False),  # the message as reported (MessageSnapshot)
    sa.Column("status", sa.String(16), nullable=False, server_default="open"),
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("closed_by", USER),
    sa.Column("closed_at", TIME),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.UniqueConstraint("message_id", "reporter_id", name="message_reports_once"),
    sa.Index("message_reports_by_status", "status", "id"),
)

audit = sa.Table(
    "moderation_audit",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("at", TIME, nullable=False),
    sa.Column("actor_id", USER, nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target_type", sa.String(32), nullable=False),
    sa.Column("target_id", sa.String(64), nullable=False),
    sa.Column("detail", DOC, nullable=False),
    sa.Index("moderation_audit_by_target", "target_id", "id"),
)

blocks = sa.Table(
    "user_blocks",
    metadata,
    sa.Column("blocker_id", USER, primary_key=True),
    sa.Column("blocked_id", USER, primary_key=True),
    sa.Column("created_at", TIME, nullable=False),
    sa.Index("user_blocks_by_blocked", "blocked_id", "blocker_id"),
)

retention = sa.Table(
    "retention_policies",
    metadata,
    sa.Column("conversation_id", ID, primary_key=True),
    sa.Column("days", sa.Integer, nullable=False),  # 0: kept for ever
    sa.Column("set_by", USER, nullable=False),
    sa.Column("set_at", TIME, nullable=False),
)

holds = sa.Table(
    "legal_holds",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # user | conversation
    sa.Column("target_id", sa.String(64), nullable=False),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
    sa.Column("created_by", USER, nullable=False),
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("released_by", USER),
    sa.Column("released_at", TIME),
    sa.Index("legal_holds_by_target", "target_id", "kind"),
)

held_messages = sa.Table(
    "held_messages",
    metadata,
    sa.Column("message_id", ID, primary_key=True),
    sa.Column("conversation_id", ID, nullable=False),
    sa.Column("sender_id", USER, nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("edit_history", DOC, nullable=False),
    sa.Column("kept_at", TIME, nullable=False),
)
