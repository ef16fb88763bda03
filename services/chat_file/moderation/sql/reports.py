"""`SqlReportStore` and `SqlAuditLog`: reports and the moderation audit trail in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from bson import ObjectId

from libs.servicekit.sql_store import SqlStore
from services.chat_file.kernel.sql import from_doc, to_doc
from services.chat_file.moderation.domain.audit import AuditEntry
from services.chat_file.moderation.domain.reports import (
    AlreadyReportedError,
    MessageSnapshot,
    Report,
    ReportFilter,
    ReportStatus,
)
from services.chat_file.moderation.sql.tables import audit as A
from services.chat_file.moderation.sql.tables import reports as R


class SqlReportStore(SqlStore):
    def add(self, report: Report) -> Report:
        report.id = str(ObjectId())
        values = {
            "id": report.id,
            "message_id": report.message_id,
            "conversation_id": report.conversation_id,
            "reporter_id": report.reporter_id,
            "sender_id": report.snapshot.sender_id,
            "reason": report.reason,
            "comment": report.comment,
            "snapshot": to_doc(report.snapshot.to_doc()),
            "status": report.status.value,
            "created_at": report.created_at,
            "note": report.note,
        }
        try:
            with self._engine.begin() as tx:
                tx.execute(sa.insert(R).values(**values))
        except sa.exc.IntegrityError:
            raise AlreadyReportedError() from None
        return report

    def get(self, report_id: str) -> Report | None:
        with self._read.connect() as db:
            row = db.execute(sa.select(R).where(R.c.id == report_id)).first()
        return _report(row) if row else None

    def page(self, where: ReportFilter, before: str | None, limit: int) -> list[Report]:
        query = sa.select(R).order_by(R.c.id.desc()).limit(limit)
        for column, value in (
            (R.c.status, where.status.value if where.status else None),
            (R.c.reason, where.reason),
            (R.c.conversation_id, where.conversation_id),
            (R.c.reporter_id, where.reporter_id),
            (R.c.sender_id, where.sender_id),
        ):
            if value is not None:
                query = query.where(column == value)
        if before is not None:
            query = query.where(R.c.id < before)
        with self._read.connect() as db:
            return [_report(row) for row in db.execute(query)]

    def close(
        self, report_id: str, status: ReportStatus, by: str, at: datetime, note: str
    ) -> Report | None:
        change = (
            sa.update(R)
            .where(R.c.id == report_id, R.c.status == ReportStatus.OPEN.value)
            .values(status=status.value, closed_by=by, closed_at=at, note=note)
        )
        with self._engine.begin() as tx:
            if tx.execute(change).rowcount != 1:
                return None
            row = tx.execute(sa.select(R).where(R.c.id == report_id)).first()
        return _report(row) if row else None


class SqlAuditLog(SqlStore):
    def record(self, entry: AuditEntry) -> None:
        values = {
            "id": entry.id or str(ObjectId()),
            "at": entry.at,
            "actor_id": entry.actor_id,
            "action": entry.action,
            "target_type": entry.target_type,
            "target_id": entry.target_id,
            "detail": to_doc(entry.detail),
        }
        with self._engine.begin() as tx:
            tx.execute(sa.insert(A).values(**values))

    def recent(self, target_id: str | None = None, limit: int = 50) -> list[AuditEntry]:
        query = sa.select(A).order_by(A.c.id.desc()).limit(limit)
        if target_id is not None:
            query = query.where(A.c.target_id == target_id)
        with self._read.connect() as db:
            return [
                AuditEntry(
                    row.actor_id,
                    row.action,
                    row.target_type,
                    row.target_id,
                    row.at,
                    from_doc(row.detail),
                    row.id,
                )
                for row in db.execute(query)
            ]


def _report(row: Any) -> Report:
    return Report(
        message_id=row.message_id,
        conversation_id=row.conversation_id,
        reporter_id=row.reporter_id,
        reason=row.reason,
        comment=row.comment,
        snapshot=MessageSnapshot.from_doc(from_doc(row.snapshot)),
        created_at=row.created_at,
        id=row.id,
        status=ReportStatus(row.status),
        closed_by=row.closed_by,
        closed_at=row.closed_at,
        note=row.note,
    )
