"""`SqlAnnouncementStore` (SQLite and PostgreSQL).

A send is two statements in one transaction: the announcement row and the broadcast's update.
The census is one grouped query over `org_members` (the audience, by the unit index) left
joined to the receipts (by their primary key).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from libs.servicekit.sql_store import SqlStore

from ..domain.model import Announcement, Audience, Broadcast, Priority, ReceiptState, UnitCensus
from ..domain.units import LEVELS, Unit
from .tables import announcements as A
from .tables import broadcasts as B
from .tables import org_members as M
from .tables import receipts as R

_STATE_COLUMNS = {
    ReceiptState.DELIVERED: ("delivered_at",),
    ReceiptState.READ: ("delivered_at", "read_at"),
    ReceiptState.ACKNOWLEDGED: ("delivered_at", "read_at", "acked_at"),
}
_UNIT_COLUMNS = (M.c.ministere_key, M.c.direction_key, M.c.service_key)


def audience_filter(audience: Audience) -> Any:
    """Agents of the audience's units, and its named agents, as a WHERE clause on org_members."""
    clauses: list[Any] = []
    for unit in audience.units:
        parts = [M.c.ministere_key == unit.ministere]
        if unit.direction:
            parts.append(M.c.direction_key == unit.direction)
        if unit.service:
            parts.append(M.c.service_key == unit.service)
        clauses.append(sa.and_(*parts))
    if audience.agents:
        clauses.append(M.c.user_id.in_(sorted(audience.agents)))
    return sa.or_(*clauses)


def census_statement(announcement_id: str, audience: Audience, level: str) -> sa.Select[Any]:
    groups = _UNIT_COLUMNS[: LEVELS.index(level) + 1]
    joined = M.outerjoin(
        R, sa.and_(R.c.announcement_id == announcement_id, R.c.user_id == M.c.user_id)
    )
    return (
        sa.select(
            *groups,
            sa.func.count(),
            sa.func.count(R.c.acked_at),
            sa.func.count(R.c.read_at),
            sa.func.count(R.c.delivered_at),
        )
        .select_from(joined)
        .where(audience_filter(audience))
        .group_by(*groups)
        .order_by(*groups)
    )


class SqlAnnouncementStore(SqlStore):
    def create_broadcast(self, broadcast: Broadcast) -> None:
        with self._engine.begin() as tx:
            tx.execute(sa.insert(B).values(**_broadcast_row(broadcast)))

    def get_broadcast(self, broadcast_id: str) -> Broadcast | None:
        with self._read.connect() as db:
            row = db.execute(sa.select(B).where(B.c.id == broadcast_id)).first()
        return _broadcast(row) if row else None

    def append(self, announcement: Announcement) -> None:
        with self._engine.begin() as tx:
            tx.execute(sa.insert(A).values(**_announcement_row(announcement)))
            tx.execute(
                sa.update(B)
                .where(B.c.id == announcement.broadcast_id)
                .values(
                    message_count=B.c.message_count + 1, last_message_at=announcement.created_at
                )
            )

    def get_announcement(self, announcement_id: str) -> Announcement | None:
        with self._read.connect() as db:
            row = db.execute(sa.select(A).where(A.c.id == announcement_id)).first()
        return _announcement(row) if row is not None else None

    def reminders_due(self, now: datetime, most: int, limit: int) -> list[tuple[Announcement, int]]:
        statement = (
            sa.select(A)
            .where(A.c.next_reminder_at <= now, A.c.reminder_rounds < most)
            .order_by(A.c.next_reminder_at)
            .limit(limit)
        )
        with self._read.connect() as db:
            return [(_announcement(row), int(row.reminder_rounds)) for row in db.execute(statement)]

    def reminded(self, announcement_id: str, rounds: int, next_at: datetime | None) -> None:
        with self._engine.begin() as tx:
            tx.execute(
                sa.update(A)
                .where(A.c.id == announcement_id)
                .values(reminder_rounds=rounds, next_reminder_at=next_at)
            )

    def record(self, announcement_id: str, user_id: str, state: ReceiptState, at: datetime) -> bool:
        columns = _STATE_COLUMNS[state]
        key = {"announcement_id": announcement_id, "user_id": user_id}
        with self._engine.begin() as tx:
            dialect = postgresql if tx.dialect.name == "postgresql" else sqlite
            fresh = dialect.insert(R).values(**key, **dict.fromkeys(columns, at))
            fresh = fresh.on_conflict_do_nothing(index_elements=list(key))
            if tx.execute(fresh.returning(R.c.user_id)).first() is not None:
                return True  # (rowcount is not reliable after ON CONFLICT DO NOTHING)
            reached = sa.update(R).where(
                R.c.announcement_id == announcement_id,
                R.c.user_id == user_id,
                R.c[columns[-1]].is_(None),
            )
            changes = {c: sa.func.coalesce(R.c[c], at) for c in columns}
            return tx.execute(reached.values(**changes)).rowcount > 0

    def put_members(self, members: Iterable[tuple[str, Unit]]) -> None:
        rows = [
            {
                "user_id": user_id,
                "ministere_key": unit.ministere,
                "direction_key": unit.direction,
                "service_key": unit.service,
            }
            for user_id, unit in members
        ]
        if not rows:
            return
        with self._engine.begin() as tx:
            dialect = postgresql if tx.dialect.name == "postgresql" else sqlite
            for start in range(0, len(rows), 1000):
                statement = dialect.insert(M).values(rows[start : start + 1000])
                excluded = statement.excluded
                tx.execute(
                    statement.on_conflict_do_update(
                        index_elements=["user_id"],
                        set_={c.name: excluded[c.name] for c in _UNIT_COLUMNS},
                    )
                )

    def audience_page(self, audience: Audience, after: str, limit: int) -> list[str]:
        statement = (
            sa.select(M.c.user_id)
            .where(audience_filter(audience), M.c.user_id > after)
            .order_by(M.c.user_id)
            .limit(limit)
        )
        with self._read.connect() as db:
            return [row[0] for row in db.execute(statement)]

    def census(self, announcement_id: str, audience: Audience, level: str) -> list[UnitCensus]:
        depth = LEVELS.index(level) + 1
        with self._read.connect() as db:
            rows = db.execute(census_statement(announcement_id, audience, level)).all()
        found = []
        for row in rows:
            total, acked, read, delivered = (int(v) for v in row[depth:])
            found.append(
                UnitCensus(
                    "/".join(row[:depth]), acked, read - acked, delivered - read, total - delivered
                )
            )
        return found

    def pending_agents(
        self,
        announcement_id: str,
        audience: Audience,
        target: ReceiptState,
        limit: int,
        after: str = "",
    ) -> list[str]:
        column = R.c[_STATE_COLUMNS[target][-1]]
        joined = M.outerjoin(
            R, sa.and_(R.c.announcement_id == announcement_id, R.c.user_id == M.c.user_id)
        )
        statement = (
            sa.select(M.c.user_id)
            .select_from(joined)
            .where(audience_filter(audience), column.is_(None), M.c.user_id > after)
            .order_by(M.c.user_id)
            .limit(limit)
        )
        with self._read.connect() as db:
            return [row[0] for row in db.execute(statement)]


def _broadcast_row(broadcast: Broadcast) -> dict[str, Any]:
    audience = broadcast.audience
    return {
        "id": broadcast.id,
        "title": broadcast.title,
        "created_by": broadcast.created_by,
        "admins": sorted(broadcast.admins),
        "audience": {
            "units": [[u.ministere, u.direction, u.service] for u in audience.units],
            "agents": sorted(audience.agents),
        },
        "created_at": broadcast.created_at,
        "last_message_at": broadcast.last_message_at,
        "message_count": broadcast.message_count,
    }


def _broadcast(row: Any) -> Broadcast:
    units = tuple(Unit(*parts) for parts in row.audience.get("units", []))
    return Broadcast(
        row.id,
        row.title,
        row.created_by,
        frozenset(row.admins),
        Audience(units, frozenset(row.audience.get("agents", []))),
        row.created_at,
        row.last_message_at,
        int(row.message_count),
    )


def _announcement_row(announcement: Announcement) -> dict[str, Any]:
    return {
        "id": announcement.id,
        "broadcast_id": announcement.broadcast_id,
        "sender_id": announcement.sender_id,
        "content": announcement.content,
        "priority": announcement.priority.value,
        "request_ack": announcement.request_ack,
        "created_at": announcement.created_at,
        "next_reminder_at": announcement.next_reminder_at,
    }


def _announcement(row: Any) -> Announcement:
    return Announcement(
        row.id,
        row.broadcast_id,
        row.sender_id,
        row.content,
        Priority(row.priority),
        bool(row.request_ack),
        row.created_at,
        row.next_reminder_at,
    )
