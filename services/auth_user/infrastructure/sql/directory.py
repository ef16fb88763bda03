"""`SqlDirectoryStore`: the accounts as a directory import reads and writes them, in bulk.

Reads and writes go by chunks of `CHUNK` agents (one statement per chunk each), and one
import's writes share one transaction with its job's `applied` mark: a failure part-way leaves
nothing applied, and a job reads as applied only if its writes are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from libs.servicekit.clock import utc_now_ms
from libs.servicekit.sql_store import SqlStore

from ...application.directory_ports import CHUNK
from ...domain.errors import ImportAbandonedError
from ...domain.import_jobs import JobStatus, Phase
from ...domain.model import NewUser, Role, User
from ...domain.org import org_keys
from .tables import activation_codes as A
from .tables import directory_imports as J
from .tables import users as U
from .users import COLUMNS, new_row, user_of


class SqlDirectoryStore(SqlStore):
    def by_matricules(self, matricules: Sequence[str]) -> list[User]:
        if not matricules:
            return []
        query = sa.select(*COLUMNS).where(U.c.matricule.in_(list(matricules)))
        with self._read.connect() as db:
            return [user_of(r._mapping) for r in db.execute(query)]

    def managed_active(self) -> list[User]:
        query = sa.select(*COLUMNS).where(U.c.managed.is_(True), U.c.active.is_(True))
        with self._read.connect() as db:
            return [user_of(r._mapping) for r in db.execute(query)]

    def count_active(self) -> int:
        query = sa.select(sa.func.count()).select_from(U).where(U.c.active.is_(True))
        with self._read.connect() as db:
            return int(db.execute(query).scalar_one())

    def apply_import(
        self,
        import_id: str,
        creates: Sequence[NewUser],
        changes: Sequence[tuple[str, Mapping[str, Any]]],
    ) -> list[User]:
        now = utc_now_ms()
        rows = [new_row(user, now) for user in creates]
        pending = [{"user_id": r["id"], "import_id": import_id} for r in rows]
        with self._engine.begin() as tx:
            for start in range(0, len(rows), CHUNK):
                tx.execute(U.insert(), rows[start : start + CHUNK])
                tx.execute(A.insert(), pending[start : start + CHUNK])
            for columns, group in _by_columns(changes, now).items():
                statement = (
                    U.update()
                    .where(U.c.id == sa.bindparam("_id"))
                    .values({c: sa.bindparam(c) for c in columns})
                )
                for start in range(0, len(group), CHUNK):
                    tx.execute(statement, group[start : start + CHUNK])
            applied = {"phase": Phase.APPLIED.value, "done": len(rows) + len(changes)}
            mark = J.update().where(J.c.id == import_id, J.c.status == JobStatus.RUNNING.value)
            if not tx.execute(mark.values(**applied, updated_at=now)).rowcount:
                raise ImportAbandonedError()  # failed meanwhile (declared dead): roll back
        return [user_of(r) for r in rows]


def _by_columns(
    changes: Sequence[tuple[str, Mapping[str, Any]]], now: Any
) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    """The changes as update parameters, grouped by the columns they set (one statement each:
    a file's rows all set the same columns, so there is usually one group)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for user_id, values in changes:
        row = {k: (v.value if isinstance(v, Role) else v) for k, v in values.items()}
        row.update(org_keys(row), updated_at=now)
        groups.setdefault(tuple(sorted(row)), []).append({**row, "_id": user_id})
    return groups
