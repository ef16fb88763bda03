"""Ports of the directory sync: the source it reads, the accounts it writes in bulk, its jobs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from ..domain.activation import PendingActivation
from ..domain.directory_files import SourceRow
from ..domain.import_jobs import ImportJob, JobStatus, Phase
from ..domain.model import NewUser, User

# Reads and writes go to the store by chunks of this many agents: the statements an import
# sends grow with its size by a constant number per chunk.
CHUNK = 1000


class DirectorySource(Protocol):
    """Where agents come from: an uploaded file, or the HR database (`DIRECTORY_SOURCE_URL`)."""

    @property
    def description(self) -> str:
        """What is read, for the job's record (never a password)."""
        ...

    def rows(self) -> Iterator[SourceRow]:
        """Every row; raises `SourceUnavailableError` when the source cannot be read."""
        ...


class DirectoryStore(Protocol):
    """The accounts as the import sees them (SQL table `users`, Mongo collection `users`)."""

    def by_matricules(self, matricules: Sequence[str]) -> list[User]:
        """The accounts of up to CHUNK matricules, in one query."""
        ...

    def managed_active(self) -> list[User]:
        """Every active account the directory sync manages (full mode's candidates)."""
        ...

    def count_active(self) -> int: ...

    def apply_import(
        self,
        import_id: str,
        creates: Sequence[NewUser],
        changes: Sequence[tuple[str, Mapping[str, Any]]],
    ) -> list[User]:
        """Create the agents (each with a pending activation of `import_id`), write the changes
        (user id, columns), by chunks of CHUNK, and mark the job `applied`: in one transaction
        on SQL databases, all or nothing. A job no longer running (declared dead meanwhile)
        cannot be marked: `ImportAbandonedError`, and on SQL nothing is applied. Returns the
        created users."""
        ...


class ImportJobStore(Protocol):
    """Directory import jobs (SQL table / Mongo collection `directory_imports`)."""

    def create(self, job: ImportJob) -> bool:
        """Store a running job; False (nothing stored) while another job is running."""
        ...

    def get(self, job_id: str) -> ImportJob | None: ...

    def running(self) -> ImportJob | None: ...

    def page(self, offset: int, limit: int) -> tuple[list[ImportJob], int]:
        """Newest first; and the total."""
        ...

    def progress(self, job_id: str, phase: Phase, done: int, total: int) -> None:
        """Where the job is (also its heartbeat)."""
        ...

    def planned(self, job_id: str, report: Mapping[str, Any], writes: int) -> None:
        """The plan is made: its report is the job's result; `writes` are to be applied."""
        ...

    def finish(
        self,
        job_id: str,
        status: JobStatus,
        result: Mapping[str, Any] | None,
        error: tuple[str, str] | None = None,
    ) -> None:
        """The job's end (`error`: code and message); another job may start from then on."""
        ...


class ActivationStore(Protocol):
    """Pending activations (SQL table / Mongo collection `activation_codes`)."""

    def pending_of_import(self, import_id: str) -> list[User]:
        """The active agents `import_id` created who have not activated yet, in name order."""
        ...

    def get(self, user_id: str) -> PendingActivation | None: ...

    def issue(
        self, import_id: str | None, hashes: Sequence[tuple[str, str]], expires_at: datetime
    ) -> None:
        """Give each (user id, code hash) its code, replacing an earlier one (by chunks)."""
        ...

    def consume(self, user_id: str, code_hash: str, password_hash: str, now: datetime) -> bool:
        """If the code is still the user's and unexpired: forget it and set the password,
        at once (a code works once). False: nothing done."""
        ...
