"""`SqlBlockStore`: who blocked whom (`user_blocks`, keyed by the pair; an index on the blocked
side answers "who blocked this agent")."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from libs.servicekit.sql_store import SqlStore
from services.chat_file.moderation.sql.tables import blocks as B

CHUNK = 500  # ids per IN list


class SqlBlockStore(SqlStore):
    def block(self, blocker_id: str, blocked_id: str, at: datetime) -> bool:
        with self._engine.begin() as tx:
            dialect = postgresql if tx.dialect.name == "postgresql" else sqlite
            statement = (
                dialect.insert(B)
                .values(blocker_id=blocker_id, blocked_id=blocked_id, created_at=at)
                .on_conflict_do_nothing(index_elements=["blocker_id", "blocked_id"])
                .returning(B.c.blocker_id)  # psycopg's rowcount is -1 for this statement
            )
            return tx.execute(statement).first() is not None

    def unblock(self, blocker_id: str, blocked_id: str) -> bool:
        statement = sa.delete(B).where(B.c.blocker_id == blocker_id, B.c.blocked_id == blocked_id)
        with self._engine.begin() as tx:
            return bool(tx.execute(statement).rowcount == 1)

    def blocked_by(self, blocker_id: str) -> list[str]:
        query = (
            sa.select(B.c.blocked_id)
            .where(B.c.blocker_id == blocker_id)
            .order_by(B.c.created_at.desc(), B.c.blocked_id)
        )
        with self._read.connect() as db:
            return [row[0] for row in db.execute(query)]

    def pairs(self) -> list[tuple[str, str]]:
        with self._read.connect() as db:
            return [
                (row[0], row[1]) for row in db.execute(sa.select(B.c.blocker_id, B.c.blocked_id))
            ]

    def has_blocked(self, blocker_id: str, blocked_id: str) -> bool:
        query = sa.select(B.c.blocker_id).where(
            B.c.blocker_id == blocker_id, B.c.blocked_id == blocked_id
        )
        with self._read.connect() as db:
            return db.execute(query).first() is not None

    def blockers_of(self, user_id: str, among: Collection[str]) -> set[str]:
        found: set[str] = set()
        ids = sorted(set(among))
        with self._read.connect() as db:
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                query = sa.select(B.c.blocker_id).where(
                    B.c.blocked_id == user_id, B.c.blocker_id.in_(chunk)
                )
                found.update(row[0] for row in db.execute(query))
        return found

    def blocked_either_way(self, user_id: str, among: Collection[str]) -> set[str]:
        ids = set(among)
        if not ids:
            return set()
        mine = sa.select(B.c.blocked_id).where(B.c.blocker_id == user_id)
        theirs = sa.select(B.c.blocker_id).where(B.c.blocked_id == user_id)
        with self._read.connect() as db:
            either = {row[0] for row in db.execute(sa.union(mine, theirs))}
        return either & ids
