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

from ..domain.import_jobs import ImportJob, JobStatus, Phase

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
        doc = {"_id": job.id, **job.record(), "slot": SLOT}
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
    return ImportJob.from_record(doc["_id"], doc)
