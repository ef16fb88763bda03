"""`SqlHoldStore`: legal holds (`legal_holds`) and the kept copies of held messages deleted for
everyone (`held_messages`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from bson import ObjectId
from sqlalchemy.dialects import postgresql, sqlite

from libs.servicekit.sql_store import SqlStore
from services.chat_file.kernel.sql import from_doc, to_doc
from services.chat_file.moderation.domain.holds import LegalHold
from services.chat_file.moderation.sql.tables import held_messages as K
from services.chat_file.moderation.sql.tables import holds as L


class SqlHoldStore(SqlStore):
    def add(self, hold: LegalHold) -> LegalHold:
        stored = LegalHold(
            hold.kind,
            hold.target_id,
            hold.reason,
            hold.created_by,
            hold.created_at,
            str(ObjectId()),
        )
        values = {
            "id": stored.id,
            "kind": stored.kind,
            "target_id": stored.target_id,
            "reason": stored.reason,
            "created_by": stored.created_by,
            "created_at": stored.created_at,
        }
        with self._engine.begin() as tx:
            tx.execute(sa.insert(L).values(**values))
        return stored

    def get(self, hold_id: str) -> LegalHold | None:
        with self._read.connect() as db:
            row = db.execute(sa.select(L).where(L.c.id == hold_id)).first()
        return _hold(row) if row else None

    def release(self, hold_id: str, by: str, at: datetime) -> LegalHold | None:
        change = (
            sa.update(L)
            .where(L.c.id == hold_id, L.c.released_at.is_(None))
            .values(released_by=by, released_at=at)
            .returning(L.c.id)
        )
        with self._engine.begin() as tx:
            if tx.execute(change).first() is None:
                return None
            row = tx.execute(sa.select(L).where(L.c.id == hold_id)).first()
        return _hold(row) if row else None

    def active(self) -> list[LegalHold]:
        query = sa.select(L).where(L.c.released_at.is_(None)).order_by(L.c.id)
        with self._read.connect() as db:
            return [_hold(row) for row in db.execute(query)]

    def is_held(self, conversation_id: str, sender_id: str) -> bool:
        either = sa.or_(
            sa.and_(L.c.target_id == conversation_id, L.c.kind == "conversation"),
            sa.and_(L.c.target_id == sender_id, L.c.kind == "user"),
        )
        query = sa.select(L.c.id).where(either, L.c.released_at.is_(None)).limit(1)
        with self._read.connect() as db:
            return db.execute(query).first() is not None

    def keep(
        self,
        message_id: str,
        conversation_id: str,
        sender_id: str,
        content: str,
        edit_history: list[dict[str, Any]],
        at: datetime,
    ) -> None:
        values = {
            "message_id": message_id,
            "conversation_id": conversation_id,
            "sender_id": sender_id,
            "content": content,
            "edit_history": to_doc(edit_history),
            "kept_at": at,
        }
        with self._engine.begin() as tx:
            dialect = postgresql if tx.dialect.name == "postgresql" else sqlite
            statement = dialect.insert(K).values(**values)
            tx.execute(statement.on_conflict_do_nothing(index_elements=["message_id"]))

    def kept(self, message_id: str) -> dict[str, Any] | None:
        with self._read.connect() as db:
            row = db.execute(sa.select(K).where(K.c.message_id == message_id)).first()
        if row is None:
            return None
        return {
            "conversationId": row.conversation_id,
            "senderId": row.sender_id,
            "content": row.content,
            "editHistory": from_doc(row.edit_history),
            "keptAt": row.kept_at,
        }


def _hold(row: Any) -> LegalHold:
    return LegalHold(
        row.kind,
        row.target_id,
        row.reason,
        row.created_by,
        row.created_at,
        row.id,
        row.released_by,
        row.released_at,
    )
