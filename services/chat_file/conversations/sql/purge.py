"""`SqlMessagePurge`: retention's batched deletes of old messages, one transaction per batch.

The batch is chosen through an index (`messages_by_time` on `created_at`, or the history
index `(conversation_id, id)` for one conversation), oldest first, at most `limit` rows. In the
same transaction: their "deleted for me" marks and mentions go (`message_mentions_by_message`),
the search rows go with the rows (PostgreSQL's generated column; SQLite's FTS trigger), each
member's read and delivered pointers move up to the last purged number of their conversation
(retention removes the oldest messages, so what remains unread is still `seq - read_up_to`),
and a conversation whose last message was purged forgets it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from libs.servicekit.sql_store import SqlStore
from services.chat_file.conversations.application.ports import PurgedBatch
from services.chat_file.conversations.sql.tables import conversations as C
from services.chat_file.conversations.sql.tables import hidden as H
from services.chat_file.conversations.sql.tables import members as M
from services.chat_file.conversations.sql.tables import mentions as N
from services.chat_file.conversations.sql.tables import messages as T

CHUNK = 500  # ids per IN list


class SqlMessagePurge(SqlStore):
    def purge(
        self,
        before: datetime,
        limit: int,
        conversation_id: str | None = None,
        excluded: Collection[str] = (),
        kept_senders: Collection[str] = (),
    ) -> PurgedBatch:
        query = sa.select(T.c.id, T.c.conversation_id, T.c.seq, T.c.file_id).where(
            T.c.created_at < before
        )
        if kept_senders:
            query = query.where(T.c.sender_id.not_in(list(kept_senders)))
        if conversation_id is not None:
            query = query.where(T.c.conversation_id == conversation_id).order_by(T.c.id)
        else:
            if excluded:
                query = query.where(T.c.conversation_id.not_in(list(excluded)))
            query = query.order_by(T.c.created_at, T.c.id)
        with self._engine.begin() as tx:
            rows = list(tx.execute(query.limit(limit)).all())
            if not rows:
                return PurgedBatch(0, [])
            ids = [row.id for row in rows]
            for chunk in _chunks(ids):
                tx.execute(sa.delete(N).where(N.c.message_id.in_(chunk)))
                tx.execute(sa.delete(H).where(H.c.message_id.in_(chunk)))
                tx.execute(sa.delete(T).where(T.c.id.in_(chunk)))
            _move_pointers(tx, rows)
            _forget_last_messages(tx, rows)
        files = list(dict.fromkeys(row.file_id for row in rows if row.file_id))
        return PurgedBatch(len(rows), files)

    def attached(self, file_ids: Collection[str]) -> set[str]:
        found: set[str] = set()
        with self._read.connect() as db:
            for chunk in _chunks(list(set(file_ids))):
                query = sa.select(T.c.file_id).where(T.c.file_id.in_(chunk)).distinct()
                found.update(db.execute(query).scalars())
        return found


def _move_pointers(tx: Connection, rows: list[Any]) -> None:
    """One UPDATE per chunk of conversations: each member's pointers up to the last purged
    number of their conversation (never down)."""
    last: dict[str, int] = defaultdict(int)
    for row in rows:
        last[row.conversation_id] = max(last[row.conversation_id], int(row.seq))
    for chunk in _chunks(list(last)):
        purged = sa.case({c: last[c] for c in chunk}, value=M.c.conversation_id)
        tx.execute(
            sa.update(M)
            .where(M.c.conversation_id.in_(chunk))
            .values(
                read_up_to=sa.case((M.c.read_up_to < purged, purged), else_=M.c.read_up_to),
                delivered_up_to=sa.case(
                    (M.c.delivered_up_to < purged, purged), else_=M.c.delivered_up_to
                ),
            )
        )


def _forget_last_messages(tx: Connection, rows: list[Any]) -> None:
    gone = {row.id for row in rows}
    touched = list({row.conversation_id for row in rows})
    for chunk in _chunks(touched):
        query = sa.select(C.c.id, C.c.last_message).where(C.c.id.in_(chunk))
        stale = [c for c, last in tx.execute(query) if last and last.get("id") in gone]
        if stale:
            tx.execute(sa.update(C).where(C.c.id.in_(stale)).values(last_message=None))


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]
