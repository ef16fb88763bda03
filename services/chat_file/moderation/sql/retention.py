"""`SqlRetentionPolicyStore`: per-conversation retention overrides (`retention_policies`)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from libs.servicekit.sql_store import SqlStore
from services.chat_file.moderation.domain.retention import RetentionOverride
from services.chat_file.moderation.sql.tables import retention as R


class SqlRetentionPolicyStore(SqlStore):
    def put(self, override: RetentionOverride) -> None:
        values = {
            "conversation_id": override.conversation_id,
            "days": override.days,
            "set_by": override.set_by,
            "set_at": override.set_at,
        }
        with self._engine.begin() as tx:
            dialect = postgresql if tx.dialect.name == "postgresql" else sqlite
            statement = dialect.insert(R).values(**values)
            changes = {k: v for k, v in values.items() if k != "conversation_id"}
            tx.execute(
                statement.on_conflict_do_update(index_elements=["conversation_id"], set_=changes)
            )

    def remove(self, conversation_id: str) -> bool:
        with self._engine.begin() as tx:
            deleted = tx.execute(
                sa.delete(R).where(R.c.conversation_id == conversation_id).returning(R.c.days)
            )
            return deleted.first() is not None

    def overrides(self) -> list[RetentionOverride]:
        query = sa.select(R).order_by(R.c.conversation_id)
        with self._read.connect() as db:
            return [
                RetentionOverride(row.conversation_id, int(row.days), row.set_by, row.set_at)
                for row in db.execute(query)
            ]
