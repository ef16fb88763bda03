"""The push context's tables: push targets (`push_devices`) and notification settings per user
and per user and conversation."""

from __future__ import annotations

import sqlalchemy as sa

from services.chat_file.kernel.sql import DOC, ID, TIME, USER, metadata

devices = sa.Table(
    "push_devices",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("user_id", USER, nullable=False),
    sa.Column("device_key", sa.String(128), nullable=False),  # the client's deviceId
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("token", sa.Text, nullable=False),  # FCM token or Web Push endpoint
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),  # sha256 of token
    sa.Column("subscription_keys", DOC),
    sa.Column("app_version", sa.String(32), nullable=False, server_default=""),
    sa.Column("created_at", TIME, nullable=False),
    sa.Column("updated_at", TIME, nullable=False),
    sa.Column("session_id", sa.String(64), index=True),  # the registering login session
    sa.Column("auth_ms", sa.BigInteger, nullable=False, server_default="0"),
    sa.UniqueConstraint("user_id", "device_key", name="push_devices_by_user"),
)

notify_users = sa.Table(
    "notification_user_settings",
    metadata,
    sa.Column("user_id", USER, primary_key=True),
    sa.Column("dnd_until", TIME),
    sa.Column("quiet_start", sa.String(5)),
    sa.Column("quiet_end", sa.String(5)),
    sa.Column("time_zone", sa.String(64)),
    sa.Column("previews", sa.Boolean, nullable=False, server_default=sa.true()),
)

notify_conversations = sa.Table(
    "notification_conversation_settings",
    metadata,
    sa.Column("user_id", USER, primary_key=True),
    sa.Column("conversation_id", ID, primary_key=True),
    sa.Column("level", sa.String(16), nullable=False, server_default="all"),
    sa.Column("muted_until", TIME),
    sa.Index("notification_settings_by_conversation", "conversation_id", "user_id"),
)
