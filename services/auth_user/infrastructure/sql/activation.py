"""`SqlActivationStore`: pending activations in `activation_codes` (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from libs.servicekit.clock import utc_now_ms
from libs.servicekit.sql_store import SqlStore

from ...application.directory_ports import CHUNK
from ...domain.activation import PendingActivation
from ...domain.model import User
from .tables import activation_codes as A
from .tables import users as U
from .users import COLUMNS, user_of


class SqlActivationStore(SqlStore):
    def pending_of_import(self, import_id: str) -> list[User]:
        query = (
            sa.select(*COLUMNS)
            .select_from(A.join(U, U.c.id == A.c.user_id))
            .where(A.c.import_id == import_id, U.c.password_hash == "", U.c.active.is_(True))
            .order_by(U.c.nom, U.c.prenom, U.c.id)
        )
        with self._read.connect() as db:
            return [user_of(r._mapping) for r in db.execute(query)]

    def get(self, user_id: str) -> PendingActivation | None:
        query = sa.select(A.c.user_id, A.c.import_id, A.c.code_hash, A.c.expires_at)
        with self._read.connect() as db:
            row = db.execute(query.where(A.c.user_id == user_id)).first()
        return PendingActivation(*row) if row else None

    def issue(
        self, import_id: str | None, hashes: Sequence[tuple[str, str]], expires_at: datetime
    ) -> None:
        now = utc_now_ms()
        rows = [
            {"user_id": u, "import_id": import_id, "code_hash": h, "expires_at": expires_at}
            | {"issued_at": now}
            for u, h in hashes
        ]
        with self._engine.begin() as tx:
            for start in range(0, len(rows), CHUNK):
                tx.execute(self._upsert(), rows[start : start + CHUNK])

    def consume(self, user_id: str, code_hash: str, password_hash: str, now: datetime) -> bool:
        mine = sa.and_(A.c.user_id == user_id, A.c.code_hash == code_hash, A.c.expires_at > now)
        with self._engine.begin() as tx:
            if not tx.execute(A.delete().where(mine)).rowcount:
                return False
            values = {"password_hash": password_hash, "updated_at": utc_now_ms()}
            tx.execute(U.update().where(U.c.id == user_id).values(**values))
        return True

    def _upsert(self) -> Any:
        """INSERT ... ON CONFLICT (user_id) DO UPDATE (the same construct on both dialects);
        a code issued to one agent keeps the import that created them."""
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(A)
        fresh = insert.excluded
        return insert.on_conflict_do_update(
            index_elements=[A.c.user_id],
            set_={
                "code_hash": fresh.code_hash,
                "expires_at": fresh.expires_at,
                "issued_at": fresh.issued_at,
                "import_id": sa.func.coalesce(fresh.import_id, A.c.import_id),
            },
        )
