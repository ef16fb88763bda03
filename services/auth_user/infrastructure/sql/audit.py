"""SqlAuditLog: security events in the `audit_events` table (SQLite, PostgreSQL)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from libs.servicekit.sql_store import SqlStore

from ...domain.model import AuditEvent
from .tables import audit_events as A

FIELDS = ("kind", "at", "user_id", "actor_id", "ip", "detail")


class SqlAuditLog(SqlStore):
    def record(self, *events: AuditEvent) -> None:
        rows = [{f: getattr(event, f) for f in FIELDS} for event in events]
        with self._engine.begin() as tx:
            tx.execute(A.insert(), rows)

    def page(
        self, kind: str | None, user_id: str | None, offset: int, limit: int
    ) -> tuple[list[AuditEvent], int]:
        where: Any = sa.true()
        if kind:
            where = sa.and_(where, A.c.kind == kind)
        if user_id:
            where = sa.and_(where, A.c.user_id == user_id)
        rows = sa.select(*(A.c[f] for f in FIELDS)).where(where).order_by(A.c.num.desc())
        count = sa.select(sa.func.count()).select_from(A).where(where)
        with self._read.connect() as db:
            found = [AuditEvent(**r._mapping) for r in db.execute(rows.offset(offset).limit(limit))]
            total = int(db.execute(count).scalar_one())
        return found, total
