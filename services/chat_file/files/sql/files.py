"""`SqlFileStore`: file metadata (`files`) and the conversations each file is readable in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from libs.servicekit.sql_store import SqlStore
from services.chat_file.files.domain.model import FileKind, FileRecord
from services.chat_file.files.sql.tables import file_links as L
from services.chat_file.files.sql.tables import files as F
from services.chat_file.files.sql.tables import upload_volume as V


class SqlFileStore(SqlStore):
    def add(self, record: FileRecord) -> None:
        with self._engine.begin() as tx:
            tx.execute(F.insert().values(**_row(record)))
            for n, conversation_id in enumerate(dict.fromkeys(record.conversation_ids)):
                _link(tx, record.id, conversation_id, record.created_at, n)

    def get(self, file_id: str) -> FileRecord | None:
        with self._read.connect() as db:
            found = _records(db, db.execute(sa.select(F).where(F.c.id == file_id)).all())
        return found[0] if found else None

    def list_for_conversation(self, conversation_id: str, limit: int) -> list[FileRecord]:
        linked = sa.select(L.c.file_id).where(L.c.conversation_id == conversation_id)
        query = (
            sa.select(F)
            .where(F.c.id.in_(linked))
            .order_by(F.c.created_at.desc(), F.c.id.desc())
            .limit(limit)
        )
        with self._read.connect() as db:
            return _records(db, db.execute(query).all())

    def link_conversation(self, file_id: str, conversation_id: str) -> None:
        with self._engine.begin() as tx:
            known = tx.execute(sa.select(F.c.id).where(F.c.id == file_id)).first()
            linked = tx.execute(
                sa.select(L.c.file_id).where(
                    L.c.file_id == file_id, L.c.conversation_id == conversation_id
                )
            ).first()
            if known is not None and linked is None:
                _link(tx, file_id, conversation_id, datetime.now(UTC), 0)

    def unlink_conversation(self, file_id: str, conversation_id: str) -> None:
        with self._engine.begin() as tx:
            tx.execute(
                L.delete().where(L.c.file_id == file_id, L.c.conversation_id == conversation_id)
            )

    def delete(self, file_id: str) -> bool:
        with self._engine.begin() as tx:
            tx.execute(L.delete().where(L.c.file_id == file_id))
            return bool(tx.execute(F.delete().where(F.c.id == file_id)).rowcount)

    def delete_unattached(self, file_id: str) -> bool:
        """Delete the row only if no conversation uses the file (checked in the statement)."""
        in_use = sa.exists().where(L.c.file_id == F.c.id)
        with self._engine.begin() as tx:
            return bool(tx.execute(F.delete().where(F.c.id == file_id, ~in_use)).rowcount)

    def unattached_before(self, cutoff: datetime, limit: int) -> list[FileRecord]:
        in_use = sa.exists().where(L.c.file_id == F.c.id)
        query = (
            sa.select(F)
            .where(F.c.created_at < cutoff, ~in_use)
            .order_by(F.c.created_at, F.c.id)
            .limit(limit)
        )
        with self._read.connect() as db:
            return _records(db, db.execute(query).all())

    def list_for_owner(
        self, owner_id: str, limit: int, before: tuple[datetime, str] | None = None
    ) -> list[FileRecord]:
        query = sa.select(F).where(F.c.owner_id == owner_id)
        if before is not None:
            at, file_id = before
            query = query.where(
                sa.or_(F.c.created_at < at, sa.and_(F.c.created_at == at, F.c.id < file_id))
            )
        query = query.order_by(F.c.created_at.desc(), F.c.id.desc()).limit(limit)
        with self._read.connect() as db:
            return _records(db, db.execute(query).all())

    def usage(self, owner_id: str) -> int:
        query = sa.select(sa.func.coalesce(sa.func.sum(F.c.size), 0)).where(
            F.c.owner_id == owner_id
        )
        with self._read.connect() as db:
            return int(db.execute(query).scalar_one())

    def daily_volume(self, owner_id: str, day: str) -> int:
        query = sa.select(V.c.bytes).where(V.c.owner_id == owner_id, V.c.day == day)
        with self._read.connect() as db:
            return int(db.execute(query).scalar() or 0)

    def add_daily_volume(self, owner_id: str, day: str, size: int) -> None:
        """Add `size` to the user's count of the day (one upsert: concurrent adds all count)."""
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(V).values(owner_id=owner_id, day=day, bytes=size)
        with self._engine.begin() as tx:
            tx.execute(
                statement.on_conflict_do_update(
                    index_elements=["owner_id", "day"], set_={"bytes": V.c.bytes + size}
                )
            )


def _link(tx: Connection, file_id: str, conversation_id: str, at: datetime, n: int) -> None:
    # microseconds keep the order of links made in one call
    stamp = at.replace(microsecond=min(at.microsecond + n, 999_999))
    tx.execute(L.insert().values(file_id=file_id, conversation_id=conversation_id, linked_at=stamp))


def _row(r: FileRecord) -> dict[str, Any]:
    return {
        "id": r.id,
        "owner_id": r.owner_id,
        "original_name": r.original_name,
        "mime_type": r.mime_type,
        "kind": r.kind.value,
        "size": r.size,
        "sha256": r.sha256,
        "created_at": r.created_at,
        "thumbnails": list(r.thumbnails),
        "width": r.width,
        "height": r.height,
    }


def _records(db: Connection, rows: Iterable[Any]) -> list[FileRecord]:
    rows = list(rows)
    if not rows:
        return []
    query = (
        sa.select(L.c.file_id, L.c.conversation_id)
        .where(L.c.file_id.in_([r.id for r in rows]))
        .order_by(L.c.linked_at, L.c.conversation_id)
    )
    links: dict[str, list[str]] = {r.id: [] for r in rows}
    for file_id, conversation_id in db.execute(query):
        links[file_id].append(conversation_id)
    return [_record(r, links[r.id]) for r in rows]


def _record(row: Any, conversation_ids: list[str]) -> FileRecord:
    return FileRecord(
        id=row.id,
        owner_id=row.owner_id,
        original_name=row.original_name,
        mime_type=row.mime_type,
        kind=FileKind(row.kind),
        size=int(row.size),
        sha256=row.sha256,
        created_at=row.created_at,
        conversation_ids=tuple(conversation_ids),
        thumbnails=tuple(row.thumbnails or ()),
        width=row.width,
        height=row.height,
    )
