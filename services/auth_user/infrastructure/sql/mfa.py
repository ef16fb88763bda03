"""`SqlMfaStore`: TOTP credentials in `mfa_credentials`, recovery codes in
`mfa_recovery_codes` (SQLite, PostgreSQL). Each accepting write is one conditional statement,
so a code cannot be accepted twice by two concurrent requests."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from libs.servicekit.clock import utc_now_ms
from libs.servicekit.sql_store import SqlStore

from ...domain.mfa import MfaCredential
from .tables import mfa_credentials as C
from .tables import mfa_recovery_codes as R


class SqlMfaStore(SqlStore):
    def get(self, user_id: str) -> MfaCredential | None:
        with self._read.connect() as db:
            row = db.execute(
                sa.select(C.c.secret, C.c.confirmed, C.c.last_step).where(C.c.user_id == user_id)
            ).first()
            if row is None:
                return None
            hashes = db.execute(sa.select(R.c.code_hash).where(R.c.user_id == user_id))
            recovery = tuple(sorted(h for (h,) in hashes))
        return MfaCredential(user_id, row.secret, bool(row.confirmed), row.last_step, recovery)

    def begin(self, user_id: str, sealed_secret: str) -> None:
        with self._engine.begin() as tx:
            tx.execute(C.delete().where(C.c.user_id == user_id, C.c.confirmed.is_(False)))
            exists = tx.execute(sa.select(C.c.user_id).where(C.c.user_id == user_id)).first()
            if exists is None:
                values = {"secret": sealed_secret, "created_at": utc_now_ms()}
                tx.execute(C.insert().values(user_id=user_id, confirmed=False, **values))

    def confirm(self, user_id: str, step: int, recovery_hashes: Sequence[str]) -> bool:
        pending = sa.and_(C.c.user_id == user_id, C.c.confirmed.is_(False))
        with self._engine.begin() as tx:
            done = tx.execute(C.update().where(pending).values(confirmed=True, last_step=step))
            if not done.rowcount:
                return False
            self._replace(tx, user_id, recovery_hashes)
        return True

    def use_step(self, user_id: str, step: int) -> bool:
        fresh = sa.and_(C.c.user_id == user_id, C.c.confirmed.is_(True), C.c.last_step < step)
        with self._engine.begin() as tx:
            return bool(tx.execute(C.update().where(fresh).values(last_step=step)).rowcount)

    def use_recovery(self, user_id: str, recovery_hash: str) -> bool:
        mine = sa.and_(R.c.user_id == user_id, R.c.code_hash == recovery_hash)
        with self._engine.begin() as tx:
            return bool(tx.execute(R.delete().where(mine)).rowcount)

    def replace_recovery(self, user_id: str, recovery_hashes: Sequence[str]) -> None:
        with self._engine.begin() as tx:
            self._replace(tx, user_id, recovery_hashes)

    def delete(self, user_id: str) -> bool:
        with self._engine.begin() as tx:
            tx.execute(R.delete().where(R.c.user_id == user_id))
            return bool(tx.execute(C.delete().where(C.c.user_id == user_id)).rowcount)

    @staticmethod
    def _replace(tx: sa.Connection, user_id: str, recovery_hashes: Sequence[str]) -> None:
        tx.execute(R.delete().where(R.c.user_id == user_id))
        if recovery_hashes:
            tx.execute(R.insert(), [{"user_id": user_id, "code_hash": h} for h in recovery_hashes])
