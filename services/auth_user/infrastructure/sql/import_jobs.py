"""`SqlImportJobStore`: directory import jobs in `directory_imports` (SQLite, PostgreSQL).

A running job holds the unique `slot`: a second `create` while it runs violates the constraint
and is refused, whichever process tries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from libs.servicekit.clock import utc_now_ms
from libs.servicekit.sql_store import SqlStore

from ...domain.import_jobs import ImportJob, JobStatus, Phase
from .tables import directory_imports as J

SLOT = "directory"
COLUMNS = [c for c in J.c if c.name not in {"num", "slot"}]


class SqlImportJobStore(SqlStore):
    def create(self, job: ImportJob) -> bool:
        row = {"id": job.id, **job.record(), "slot": SLOT}
        try:
            with self._engine.begin() as tx:
                tx.execute(J.insert().values(**row))
        except sa.exc.IntegrityError:
            return False
        return True

    def get(self, job_id: str) -> ImportJob | None:
        return self._one(J.c.id == job_id)

    def running(self) -> ImportJob | None:
        return self._one(J.c.slot == SLOT)

    def page(self, offset: int, limit: int) -> tuple[list[ImportJob], int]:
        query = sa.select(*COLUMNS).order_by(J.c.num.desc()).offset(offset).limit(limit)
        with self._read.connect() as db:
            jobs = [_job(r._mapping) for r in db.execute(query)]
            total = int(db.execute(sa.select(sa.func.count()).select_from(J)).scalar_one())
        return jobs, total

    def progress(self, job_id: str, phase: Phase, done: int, total: int) -> None:
        values = {"phase": phase.value, "done": done, "total": total}
        self._update(job_id, {**values, "updated_at": utc_now_ms()})

    def planned(self, job_id: str, report: Mapping[str, Any], writes: int) -> None:
        values = {"phase": Phase.APPLYING.value, "done": 0, "total": writes, "result": report}
        self._update(job_id, {**values, "updated_at": utc_now_ms()})

    def finish(
        self,
        job_id: str,
        status: JobStatus,
        result: Mapping[str, Any] | None,
        error: tuple[str, str] | None = None,
    ) -> None:
        now = utc_now_ms()
        code, message = error or (None, None)
        values: dict[str, Any] = {"status": status.value, "phase": Phase.DONE.value, "slot": None}
        values.update(updated_at=now, finished_at=now, result=result)
        self._update(job_id, {**values, "error_code": code, "error_message": message})

    def _update(self, job_id: str, values: dict[str, Any]) -> None:
        with self._engine.begin() as tx:
            tx.execute(J.update().where(J.c.id == job_id).values(**values))

    def _one(self, where: Any) -> ImportJob | None:
        with self._read.connect() as db:
            row = db.execute(sa.select(*COLUMNS).where(where)).first()
        return _job(row._mapping) if row else None


def _job(row: Any) -> ImportJob:
    return ImportJob.from_record(row["id"], row)
