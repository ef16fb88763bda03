"""`SqlChangeLog`: per-user change logs in two statements per append, whatever the fan-out.

An append is one transaction: one multi-row upsert of the users' heads (`seq + 1`, RETURNING
the new numbers; the rows are taken in user order, so two appends that share users lock them
in the same order and cannot deadlock) and one multi-row insert of the entries (per 2 000
users: the bound-parameter limits). A read is two
single-statement reads: the head with the first kept number, then the page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from libs.servicekit.sql_store import SqlStore
from services.chat_file.sync.domain.changes import Change, LogSlice
from services.chat_file.sync.sql.tables import change_heads as H
from services.chat_file.sync.sql.tables import change_log as L

# users per statement pair: 2 000 rows x 5 parameters stays under SQLite's 32 766 and
# PostgreSQL's 65 535 bound parameters, whatever the size of a group or broadcast
CHUNK = 2000
OLDEST = sa.select(sa.func.min(L.c.seq)).where(L.c.user_id == sa.bindparam("user"))
POSITION = sa.select(H.c.seq, OLDEST.scalar_subquery()).where(H.c.user_id == sa.bindparam("user"))
PAGE = (
    sa.select(L.c.seq, L.c.event, L.c.payload, L.c.created_at)
    .where(L.c.user_id == sa.bindparam("user"), L.c.seq > sa.bindparam("after"))
    .order_by(L.c.seq)
    .limit(sa.bindparam("limit", type_=sa.Integer))
)


class SqlChangeLog(SqlStore):
    def append(
        self, user_ids: list[str], event: str, data: dict[str, Any], at: datetime
    ) -> dict[str, int]:
        users = sorted(set(user_ids))
        numbers: dict[str, int] = {}
        with self._engine.begin() as tx:
            for start in range(0, len(users), CHUNK):  # one pass below 2 000 users
                numbers.update(self._append(tx, users[start : start + CHUNK], event, data, at))
        return numbers

    def _append(
        self, tx: Connection, users: list[str], event: str, data: dict[str, Any], at: datetime
    ) -> dict[str, int]:
        heads = tx.execute(self._bump(tx.dialect.name, users)).all()
        numbers = {str(user): int(seq) for user, seq in heads}
        row = {"event": event, "payload": data, "created_at": at}  # data: a JSON wire payload
        rows = [{"user_id": u, "seq": numbers[u], **row} for u in users]
        if len(rows) == 1:
            tx.execute(L.insert(), rows)
        else:
            tx.execute(L.insert().values(rows))
        return numbers

    def read(self, user_id: str, after: int, limit: int) -> LogSlice:
        with self._read.connect() as db:
            position = db.execute(POSITION, {"user": user_id}).first()
            if position is None:
                return LogSlice(0, None, [])
            rows = db.execute(PAGE, {"user": user_id, "after": after, "limit": limit}).all()
        head, oldest = int(position[0]), position[1]
        changes = [Change(int(r[0]), r[1], r[2], r[3]) for r in rows]
        return LogSlice(head, int(oldest) if oldest is not None else None, changes)

    def head(self, user_id: str) -> int:
        with self._read.connect() as db:
            seq = db.execute(sa.select(H.c.seq).where(H.c.user_id == user_id)).scalar()
        return int(seq or 0)

    def compact(self, before: datetime) -> int:
        with self._engine.begin() as tx:
            return int(tx.execute(L.delete().where(L.c.created_at < before)).rowcount or 0)

    @staticmethod
    def _bump(dialect: str, users: list[str]) -> Any:
        insert: Any = postgresql.insert(H) if dialect == "postgresql" else sqlite.insert(H)
        statement = insert.values([{"user_id": u, "seq": 1} for u in users])
        return statement.on_conflict_do_update(
            index_elements=[H.c.user_id], set_={"seq": H.c.seq + 1}
        ).returning(H.c.user_id, H.c.seq)
