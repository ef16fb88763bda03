"""`MongoImportJobStore`: directory import jobs in the `directory_imports` collection.

A running job holds `slot` (unique, sparse index); `finish` unsets it, so one import runs at a
time across every process."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import pymongo
from pymongo.errors import DuplicateKeyError

from libs.servicekit.clock import utc_now_ms
from libs.servicekit.mongo_store import MongoStore

from ..domain.directory_plan import ImportMode
from ..domain.import_jobs import ImportJob, ImportRequest, JobStatus, Phase

SLOT = "directory"


class MongoImportJobStore(MongoStore):
    def __init__(self, db: Any, *, lock: threading.Lock | None = None) -> None:
        super().__init__(lock=lock)
        self._jobs = db["directory_imports"]

    def ensure_indexes(self) -> None:
        with self._serialised():
            self._jobs.create_index("slot", unique=True, sparse=True)
            self._jobs.create_index([("created_at", pymongo.DESCENDING)])

    def create(self, job: ImportJob) -> bool:
        doc = {
            "_id": job.id,
            "actor_id": job.actor_id,
            "mode": job.request.mode.value,
            "dry_run": job.request.dry_run,
            "force": job.request.force,
            "source": job.request.source[:300],
            "status": job.status.value,
            "phase": job.phase.value,
            "done": job.done,
            "total": job.total,
            "slot": SLOT,
            "created_at": job.created_at,
            "updated_at": job.updated_at,
        }
        try:
            with self._serialised():
                self._jobs.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    def get(self, job_id: str) -> ImportJob | None:
        with self._serialised():
            doc = self._jobs.find_one({"_id": job_id})
        return _job(doc) if doc else None

    def running(self) -> ImportJob | None:
        with self._serialised():
            doc = self._jobs.find_one({"slot": SLOT})
        return _job(doc) if doc else None

    def page(self, offset: int, limit: int) -> tuple[list[ImportJob], int]:
        order = [("created_at", pymongo.DESCENDING), ("_id", pymongo.DESCENDING)]
        with self._serialised():
            docs = list(self._jobs.find({}).sort(order).skip(offset).limit(limit))
            total = self._jobs.count_documents({})
        return [_job(d) for d in docs], total

    def progress(self, job_id: str, phase: Phase, done: int, total: int) -> None:
        values = {"phase": phase.value, "done": done, "total": total, "updated_at": utc_now_ms()}
        with self._serialised():
            self._jobs.update_one({"_id": job_id}, {"$set": values})

    def planned(self, job_id: str, report: Mapping[str, Any], writes: int) -> None:
        values = {"phase": Phase.APPLYING.value, "done": 0, "total": writes, "result": report}
        with self._serialised():
            self._jobs.update_one({"_id": job_id}, {"$set": {**values, "updated_at": utc_now_ms()}})

    def finish(
        self,
        job_id: str,
        status: JobStatus,
        result: Mapping[str, Any] | None,
        error: tuple[str, str] | None = None,
    ) -> None:
        now = utc_now_ms()
        code, message = error or (None, None)
        values: dict[str, Any] = {"status": status.value, "phase": Phase.DONE.value}
        values["result"] = result
        values.update(updated_at=now, finished_at=now, error_code=code, error_message=message)
        with self._serialised():
            self._jobs.update_one({"_id": job_id}, {"$set": values, "$unset": {"slot": ""}})


def _job(doc: Mapping[str, Any]) -> ImportJob:
    request = ImportRequest(ImportMode(doc["mode"]), doc["dry_run"], doc["force"], doc["source"])
    return ImportJob(
        id=doc["_id"],
        actor_id=doc.get("actor_id"),
        request=request,
        status=JobStatus(doc["status"]),
        phase=Phase(doc["phase"]),
        done=doc.get("done", 0),
        total=doc.get("total", 0),
        created_at=doc["created_at"],
        updated_at=doc["updated_at"],
        finished_at=doc.get("finished_at"),
        result=doc.get("result"),
        error_code=doc.get("error_code"),
        error_message=doc.get("error_message"),
    )
