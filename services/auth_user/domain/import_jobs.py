"""A directory import as a job: who started it, how, how far it got, and how it ended."""

from __future__ import annotations

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
