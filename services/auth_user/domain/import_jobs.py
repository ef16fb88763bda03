"""A directory import as a job: who started it, how, how far it got, and how it ended."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from .directory_plan import ImportMode

# A running job whose process stopped reporting for this long (the worker died) is over.
STALE_AFTER = timedelta(seconds=120)
INTERRUPTED = "IMPORT_INTERRUPTED"
SOURCE_UNAVAILABLE = "SOURCE_UNAVAILABLE"
INTERNAL = "IMPORT_FAILED"
NOTIFY_FAILED = "NOTIFY_FAILED"  # applied; a cache write or a session end did not follow


class JobStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"  # applied (or, for a dry run, planned)
    REFUSED = "refused"  # a safety rule stopped it: nothing applied (result says which)
    FAILED = "failed"  # the source could not be read, or the job broke: nothing applied


class Phase(StrEnum):
    QUEUED = "queued"
    READING = "reading"  # the source, into records
    PLANNING = "planning"  # records compared with the accounts (done/total: records)
    APPLYING = "applying"  # the writes, in one transaction (done/total: writes)
    APPLIED = "applied"  # committed (with the writes); the cache and sessions follow
    DONE = "done"


@dataclass(frozen=True)
class ImportRequest:
    mode: ImportMode
    dry_run: bool
    force: bool
    source: str  # what is read: "file agents.csv (csv, 1.2 MB)", "sql"


@dataclass(frozen=True)
class ImportJob:
    id: str
    actor_id: str | None  # None: the command line (cron)
    request: ImportRequest
    status: JobStatus
    phase: Phase
    done: int
    total: int
    created_at: datetime
    updated_at: datetime  # the last progress report: the job's heartbeat
    finished_at: datetime | None = None
    result: dict[str, Any] | None = None  # the plan's report (ImportPlan.report)
    error_code: str | None = None
    error_message: str | None = None

    def stale(self, now: datetime, after: timedelta = STALE_AFTER) -> bool:
        return self.status is JobStatus.RUNNING and now - self.updated_at > after

    def record(self) -> dict[str, Any]:
        """The job as the stores keep it: one flat record (SQL columns, Mongo fields), the
        id apart."""
        return {
            "actor_id": self.actor_id,
            "mode": self.request.mode.value,
            "dry_run": self.request.dry_run,
            "force": self.request.force,
            "source": self.request.source[:300],
            "status": self.status.value,
            "phase": self.phase.value,
            "done": self.done,
            "total": self.total,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "finished_at": self.finished_at,
            "result": self.result,
            "error_code": self.error_code,
            "error_message": self.error_message,
        }

    @classmethod
    def from_record(cls, job_id: str, record: Mapping[str, Any]) -> ImportJob:
        mode = ImportMode(record["mode"])
        request = ImportRequest(mode, record["dry_run"], record["force"], record["source"])
        return cls(
            id=job_id,
            actor_id=record.get("actor_id"),
            request=request,
            status=JobStatus(record["status"]),
            phase=Phase(record["phase"]),
            done=record.get("done", 0),
            total=record.get("total", 0),
            created_at=record["created_at"],
            updated_at=record["updated_at"],
            finished_at=record.get("finished_at"),
            result=record.get("result"),
            error_code=record.get("error_code"),
            error_message=record.get("error_message"),
        )
