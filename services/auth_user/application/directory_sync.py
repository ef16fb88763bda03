"""DirectorySync: directory imports as jobs (the admin route and the cron command run the same).

`start` claims the one import slot and hands the job to `spawn` (a background thread in the
service, the caller's own thread on the command line). The job reads the source, plans against
the accounts, and (unless it is a dry run, or a safety rule refuses it) applies the plan in one
store call; then, persisted first, it rewrites the changed profiles in the shared cache, ends
the sessions of the deactivated agents and of those whose role changed, and audits. A source
that cannot be read, or any failure, ends the job `failed` with nothing applied.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from ..domain.directory_files import SourceRow
from ..domain.directory_plan import (
    REFUSALS,
    ChangeKind,
    ImportLimits,
    ImportMode,
    ImportPlan,
    collect,
    plan,
)
from ..domain.errors import (
    ImportAbandonedError,
    ImportInProgressError,
    ImportNotFoundError,
    SourceUnavailableError,
    TooManyRowsError,
)
from ..domain.import_jobs import (
    INTERNAL,
    INTERRUPTED,
    NOTIFY_FAILED,
    SOURCE_UNAVAILABLE,
    STALE_AFTER,
    ImportJob,
    ImportRequest,
    JobStatus,
    Phase,
)
from ..domain.model import User
from ..domain.policy import check_can_manage_users
from . import audit
from .directory_ports import CHUNK, DirectorySource, DirectoryStore, ImportJobStore
from .ports import ProfileCache
from .sessions import SessionControl

logger = logging.getLogger(__name__)

Spawn = Callable[[Callable[[], None]], object]


class DirectorySync:
    def __init__(
        self,
        directory: DirectoryStore,
        jobs: ImportJobStore,
        cache: ProfileCache,
        sessions: SessionControl,
        limits: ImportLimits,
        spawn: Spawn,
        max_rows: int = 150_000,
        stale_after: timedelta = STALE_AFTER,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._directory = directory
        self._jobs = jobs
        self._cache = cache
        self._sessions = sessions
        self._limits = limits
        self._spawn = spawn
        self._max_rows = max_rows
        self._stale_after = stale_after
        self._clock = clock

    def authorise(self, actor: User) -> None:
        """Admins only: checked before an upload is even read."""
        check_can_manage_users(actor)

    def start(
        self, actor: User | None, request: ImportRequest, source: DirectorySource
    ) -> ImportJob:
        """A new running job (admins only; `actor` None: the command line). Refused with
        IMPORT_IN_PROGRESS while another import runs."""
        if actor is not None:
            self.authorise(actor)
        self._release_stale()
        now = self._clock()
        job = ImportJob(
            secrets.token_hex(12),
            actor.id if actor else None,
            request,
            JobStatus.RUNNING,
            Phase.QUEUED,
            0,
            0,
            now,
            now,
        )
        if not self._jobs.create(job):
            raise ImportInProgressError()
        self._spawn(lambda: self.run(job, source))
        return job

    def get(self, actor: User, job_id: str) -> ImportJob:
        check_can_manage_users(actor)
        return self.job(job_id)

    def job(self, job_id: str) -> ImportJob:
        """The job as it is now (the command line's own, or for `get`)."""
        self._release_stale()
        job = self._jobs.get(job_id)
        if job is None:
            raise ImportNotFoundError()
        return job

    def page(self, actor: User, page: int, limit: int) -> tuple[list[ImportJob], int]:
        check_can_manage_users(actor)
        self._release_stale()
        return self._jobs.page((page - 1) * limit, limit)

    def run(self, job: ImportJob, source: DirectorySource) -> None:
        """The job from start to end; never raises (the job records how it ended)."""
        try:
            self._execute(job, source)
        except SourceUnavailableError as exc:
            logger.warning("directory import %s: source unavailable: %s", job.id, exc.message)
            self._fail(job, (SOURCE_UNAVAILABLE, exc.message))
        except TooManyRowsError as exc:
            self._fail(job, (exc.code, exc.message), JobStatus.REFUSED)
        except ImportAbandonedError:  # another request ended it: its failure is recorded
            logger.warning("directory import %s was declared dead before it applied", job.id)
        except Exception:
            logger.exception("directory import %s failed", job.id)
            self._fail(job, (INTERNAL, "L'import a échoué : rien n'a été appliqué"))

    def _fail(
        self, job: ImportJob, error: tuple[str, str], status: JobStatus = JobStatus.FAILED
    ) -> None:
        try:
            self._end(job, status, None, error)
        except Exception:  # the store is down too: the job goes stale, then reads as failed
            logger.exception("directory import %s: its failure could not be recorded", job.id)

    def _execute(self, job: ImportJob, source: DirectorySource) -> None:
        self._jobs.progress(job.id, Phase.READING, 0, 0)
        collected = collect(self._reading(job, source))
        matricules = list(collected.records)
        existing: dict[str, User] = {}
        for start in range(0, len(matricules), CHUNK):
            found = self._directory.by_matricules(matricules[start : start + CHUNK])
            existing.update((user.matricule, user) for user in found)
            done = min(start + CHUNK, len(matricules))
            self._jobs.progress(job.id, Phase.PLANNING, done, len(matricules))
        full = job.request.mode is ImportMode.FULL
        missing = self._directory.managed_active() if full else []
        planned = plan(collected, existing, job.request.mode, _except(missing, job.actor_id))
        active = self._directory.count_active()
        refused = planned.refusal(self._limits, active, job.request.force)
        report = planned.report(refused)
        if refused is not None:
            self._end(job, JobStatus.REFUSED, report, (refused, REFUSALS[refused]))
        elif job.request.dry_run:
            self._end(job, JobStatus.SUCCEEDED, report)
        else:
            self._apply(job, planned, report)
            self._end(job, JobStatus.SUCCEEDED, report, self._notify(job, planned))

    def _apply(self, job: ImportJob, planned: ImportPlan, report: dict[str, Any]) -> None:
        writes = len(planned.creates) + len(planned.changes)
        if not writes:  # the directory already says what the source says
            return
        self._jobs.planned(job.id, report, writes)
        changes = [(c.before.id, c.values) for c in planned.changes]
        self._directory.apply_import(job.id, planned.creates, changes)  # marks it `applied`

    def _notify(self, job: ImportJob, planned: ImportPlan) -> tuple[str, str] | None:
        """The applied job's follow-up; a failure is the job's warning, not a failed job (its
        writes are committed)."""
        try:
            self._follow_up(job, planned)
        except Exception:
            logger.exception("directory import %s: applied, but the follow-up failed", job.id)
            return NOTIFY_FAILED, (
                "Import appliqué, mais les sessions ou le cache n'ont pas tous suivi : "
                "relancez les désactivations concernées"
            )
        return None

    def _follow_up(self, job: ImportJob, planned: ImportPlan) -> None:
        """After the writes: cache, sessions, audit (each change is already persisted)."""
        self._cache.set_many([c.after.profile() for c in planned.changes])
        ended = [c.before.id for c in planned.changes if c.kind is ChangeKind.DEACTIVATED]
        moved = [
            c.before.id
            for c in planned.changes
            if c.role_changed and c.kind is not ChangeKind.DEACTIVATED
        ]
        detail = f"import {job.id}"
        record = self._sessions.audit.record_each
        for kind, change_kind in (
            (audit.DEACTIVATED, ChangeKind.DEACTIVATED),
            (audit.REACTIVATED, ChangeKind.REACTIVATED),
        ):
            users = [c.before.id for c in planned.changes if c.kind is change_kind]
            record(kind, users, actor_id=job.actor_id, detail=detail)
        record(audit.ROLE_CHANGED, moved, actor_id=job.actor_id, detail=detail)
        self._sessions.end_users(ended, "deactivated")
        self._sessions.end_users(moved, "role_changed")

    def _end(
        self,
        job: ImportJob,
        status: JobStatus,
        report: dict[str, object] | None,
        error: tuple[str, str] | None = None,
    ) -> None:
        self._jobs.finish(job.id, status, report, error)
        counts = (
            " ".join(
                f"{k}={report[k]}" for k in ("created", "updated", "deactivated", "reactivated")
            )
            if report
            else ""
        )
        mode = job.request.mode.value + (" dry_run" if job.request.dry_run else "")
        self._sessions.audit.record(
            audit.DIRECTORY_IMPORT,
            actor_id=job.actor_id,
            detail=f"{job.id} {mode} {status.value} {counts}".strip(),
        )

    def _reading(self, job: ImportJob, source: DirectorySource) -> Iterator[SourceRow]:
        """The source's rows, at most max_rows, reporting progress every CHUNK rows."""
        for count, row in enumerate(source.rows(), start=1):
            if count > self._max_rows:
                raise TooManyRowsError()
            if count % CHUNK == 0:
                self._jobs.progress(job.id, Phase.READING, count, 0)
            yield row

    def _release_stale(self) -> None:
        """A job whose process died (no progress for a while) ends, and the next import may
        start. Its writes committed together with its `applied` mark, or not at all: applied,
        it succeeded (its follow-up may not have run); otherwise it failed, nothing applied."""
        running = self._jobs.running()
        if running is None or not running.stale(self._clock(), self._stale_after):
            return
        if running.phase is Phase.APPLIED:
            message = "Import appliqué ; le processus s'est arrêté avant la fin du suivi"
            warning = (NOTIFY_FAILED, message)
            self._jobs.finish(running.id, JobStatus.SUCCEEDED, running.result, warning)
            return
        message = "L'import a été interrompu (processus arrêté) : rien n'a été appliqué"
        self._jobs.finish(running.id, JobStatus.FAILED, None, (INTERRUPTED, message))


def _except(users: list[User], actor_id: str | None) -> list[User]:
    """The admin running an import is never deactivated by it."""
    return [user for user in users if user.id != actor_id]
