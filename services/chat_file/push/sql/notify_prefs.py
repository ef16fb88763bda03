"""`SqlNotificationSettingsStore`: notification settings per user and per user+conversation
(one upsert per change: ON CONFLICT DO UPDATE on SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from libs.servicekit.sql_store import SqlStore
from services.chat_file.push.domain.notify_prefs import (
    ConversationPrefs,
    Level,
    QuietHours,
    RecipientPrefs,
    UserPrefs,
)
from services.chat_file.push.sql.tables import notify_conversations as NC
from services.chat_file.push.sql.tables import notify_users as NU


class SqlNotificationSettingsStore(SqlStore):
    def get_user(self, user_id: str) -> UserPrefs:
        with self._read.connect() as db:
            row = db.execute(sa.select(NU).where(NU.c.user_id == user_id)).first()
        return _user(row) if row else UserPrefs(user_id)

    def put_user(self, prefs: UserPrefs) -> None:
        quiet = prefs.quiet_hours
        values = {
            "user_id": prefs.user_id,
            "dnd_until": prefs.dnd_until,
            "quiet_start": quiet.start if quiet else None,
            "quiet_end": quiet.end if quiet else None,
            "time_zone": quiet.time_zone if quiet else None,
            "previews": prefs.previews,
        }
        with self._engine.begin() as tx:
            _upsert(tx, NU, values, ["user_id"])

    def get_conversation(self, user_id: str, conversation_id: str) -> ConversationPrefs:
        query = sa.select(NC).where(
            NC.c.user_id == user_id, NC.c.conversation_id == conversation_id
        )
        with self._read.connect() as db:
            row = db.execute(query).first()
        return _conversation(row) if row else ConversationPrefs(user_id, conversation_id)

    def put_conversation(self, prefs: ConversationPrefs) -> None:
        values = {
            "user_id": prefs.user_id,
            "conversation_id": prefs.conversation_id,
            "level": prefs.level.value,
            "muted_until": prefs.muted_until,
        }
        with self._engine.begin() as tx:
            _upsert(tx, NC, values, ["user_id", "conversation_id"])

    def conversations_of(self, user_id: str) -> list[ConversationPrefs]:
        query = sa.select(NC).where(NC.c.user_id == user_id).order_by(NC.c.conversation_id)
        with self._read.connect() as db:
            return [_conversation(row) for row in db.execute(query)]

    def for_recipients(self, conversation_id: str, user_ids: list[str]) -> RecipientPrefs:
        ids = list(dict.fromkeys(user_ids))
        if not ids:
            return {}, {}
        users = sa.select(NU).where(NU.c.user_id.in_(ids))
        chats = sa.select(NC).where(NC.c.conversation_id == conversation_id, NC.c.user_id.in_(ids))
        with self._read.connect() as db:
            found_users = {row.user_id: _user(row) for row in db.execute(users)}
            found_chats = {row.user_id: _conversation(row) for row in db.execute(chats)}
        return found_users, found_chats


def _upsert(tx: Connection, table: sa.Table, values: dict[str, Any], keys: list[str]) -> None:
    dialect = postgresql if tx.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values)
    changes = {k: v for k, v in values.items() if k not in keys}
    tx.execute(statement.on_conflict_do_update(index_elements=keys, set_=changes))


def _user(row: Any) -> UserPrefs:
    quiet = (
        QuietHours(row.quiet_start, row.quiet_end, row.time_zone)
        if row.quiet_start and row.quiet_end and row.time_zone
        else None
    )
    return UserPrefs(row.user_id, row.dnd_until, quiet, bool(row.previews))


def _conversation(row: Any) -> ConversationPrefs:
    return ConversationPrefs(row.user_id, row.conversation_id, Level(row.level), row.muted_until)
