"""DirectorySync with in-memory stores: imports as jobs, from plan to follow-up."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.auth_user.application.directory_sync import DirectorySync
from services.auth_user.domain.directory_files import FileFormat, SourceRow, UploadedFile
from services.auth_user.domain.directory_plan import ImportLimits, ImportMode
from services.auth_user.domain.errors import (
    ForbiddenError,
    ImportInProgressError,
    ImportNotFoundError,
    SourceUnavailableError,
)
from services.auth_user.domain.import_jobs import ImportRequest, JobStatus, Phase
from services.auth_user.domain.model import Role

from .conftest import PASSWORD, Sync, World, csv
from .fakes import FakeDirectoryStore


def test_a_merge_import_creates_and_updates_and_reports(world: World, sync: Sync) -> None:
    kept = world.add_user("M1", nom="Ngono")
    job = sync.run(csv("M1,Ngono,Jean,MINFI,,1", "N1,Fotso,Paul,MINSANTE,,1"))
    assert (job.status, job.phase, job.error_code) == (JobStatus.SUCCEEDED, Phase.DONE, None)
    assert job.result is not None
    assert {k: job.result[k] for k in ("created", "updated", "unchanged", "errorCount")} == {
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "errorCount": 0,
    }
    new = world.users.get_by_matricule("N1")
    assert new is not None and (new.activated, new.managed, new.ministere) == (
        False,
        True,
        "MINSANTE",
    )
    assert sync.directory.pending == {new.id: job.id}
    assert world.users.users[kept.id].ministere == "MINFI"
    assert world.cache.profiles[kept.id]["ministere"] == "MINFI"  # the shared cache follows
    [event] = [e for e in world.audit_log.events if e.kind == "directory_import"]
    assert (event.actor_id, event.detail.split()[:3]) == (
        sync.admin.id,
        [job.id, "merge", "succeeded"],
    )


def test_a_dry_run_reports_the_exact_plan_and_writes_nothing(world: World, sync: Sync) -> None:
    world.add_user("M1", nom="Ngono")
    text = csv("M1,Ngono,Jean,MINFI,,1", "N1,Fotso,Paul,MINSANTE,,1", ",sans,matricule,,,")
    before = dict(world.users.users)
    dry = sync.run(text, dry_run=True)
    assert (dry.status, sync.directory.applied, world.users.users) == (
        JobStatus.SUCCEEDED,
        0,
        before,
    )
    real = sync.run(text)
    assert dry.result == real.result
    assert real.result is not None and real.result["errors"] == [
        {"line": 4, "field": "matricule", "code": "REQUIRED"}
    ]


def test_a_second_identical_run_changes_nothing(world: World, sync: Sync) -> None:
    text = csv("N1,Fotso,Paul,MINSANTE,moderator,1", "N2,Ngono,Marie,MINFI,,0")
    sync.run(text)
    users, applied = dict(world.users.users), sync.directory.applied
    again = sync.run(text)
    assert again.result is not None and again.result["unchanged"] == 2
    assert (world.users.users, sync.directory.applied) == (users, applied)


def test_a_full_import_deactivates_the_missing_agents_and_ends_their_sessions(
    world: World, sync: Sync
) -> None:
    sync.run(csv("F1,A,A,MINFI,,1", "F2,B,B,MINFI,,1", "F3,C,C,MINFI,,1"))
    gone = world.users.get_by_matricule("F3")
    assert gone is not None
    world.users.update(gone.id, {"password_hash": world.hasher.hash(PASSWORD)})
    session = world.auth.login("F3", PASSWORD, "10.0.0.1")
    world.clock.now += 1
    job = sync.run(csv("F1,A,A,MINFI,,1", "F2,B,B,MINFI,,1"), mode="full")
    assert job.result is not None and job.result["deactivated"] == 1
    assert world.users.users[gone.id].active is False
    assert [(r.kind, r.id, r.reason) for r in world.revocations.log] == [
        ("user", gone.id, "deactivated")
    ]
    with pytest.raises(Exception, match="révoquée"):
        world.auth.validate(session.tokens.access_token)
    deactivated = [e for e in world.audit_log.events if e.kind == "deactivated"]
    assert [(e.user_id, e.actor_id) for e in deactivated] == [(gone.id, sync.admin.id)]
    assert world.users.users[sync.admin.id].active  # not managed: never touched


def test_a_role_change_from_the_directory_ends_the_agents_sessions(
    world: World, sync: Sync
) -> None:
    sync.run(csv("R1,A,A,MINFI,,1"))
    agent = world.users.get_by_matricule("R1")
    assert agent is not None
    sync.run(csv("R1,A,A,MINFI,compliance,1"))
    assert world.users.users[agent.id].role is Role.COMPLIANCE
    assert [(r.id, r.reason) for r in world.revocations.log] == [(agent.id, "role_changed")]


def test_too_many_deactivations_refuse_the_import_unless_forced(world: World, sync: Sync):
    sync.run(csv("D1,A,A,X,,1", "D2,B,B,X,,1", "D3,C,C,X,,1"))
    job = sync.run(csv("D1,A,A,X,,1"), mode="full")  # 2 of 4 active accounts > 0.5? no: = 0.5
    assert job.status is JobStatus.SUCCEEDED
    sync.run(csv("D1,A,A,X,,1", "D2,B,B,X,,1", "D3,C,C,X,,1", "D4,D,D,X,,1", "D5,E,E,X,,1"))
    refused = sync.run(csv("D1,A,A,X,,1"), mode="full")
    assert (refused.status, refused.error_code) == (JobStatus.REFUSED, "TOO_MANY_DEACTIVATIONS")
    assert refused.result is not None and refused.result["deactivated"] == 4
    assert world.users.get_by_matricule("D5").active  # type: ignore[union-attr]
    forced = sync.run(csv("D1,A,A,X,,1"), mode="full", force=True)
    assert forced.status is JobStatus.SUCCEEDED
    assert not world.users.get_by_matricule("D5").active  # type: ignore[union-attr]


class Unreachable:
    description = "sql postgresql://hr@127.0.0.1:1/hr"

    def rows(self) -> Iterator[SourceRow]:
        yield 1, {"matricule": "U1", "nom": "Avant"}
        raise SourceUnavailableError("Source SQL injoignable : connection refused")


def test_an_unreachable_source_fails_the_job_with_the_reason_and_applies_nothing(
    world: World, sync: Sync
) -> None:
    request = ImportRequest(ImportMode.FULL, False, False, Unreachable.description)
    job = sync.service.start(sync.admin, request, Unreachable())
    sync.queued.pop()()
    failed = sync.service.get(sync.admin, job.id)
    assert (failed.status, failed.error_code) == (JobStatus.FAILED, "SOURCE_UNAVAILABLE")
    assert failed.error_message is not None and "connection refused" in failed.error_message
    assert sync.directory.applied == 0 and world.users.get_by_matricule("U1") is None


def test_a_failure_while_applying_fails_the_job(world: World, sync: Sync) -> None:
    sync.directory.fail_apply = True
    job = sync.run(csv("B1,A,A,X,,1"))
    assert (job.status, job.error_code, job.result) == (JobStatus.FAILED, "IMPORT_FAILED", None)
    assert world.users.get_by_matricule("B1") is None
    assert sync.jobs.running() is None  # the slot is free again


def test_one_import_at_a_time_and_a_dead_jobs_slot_is_released(world: World, sync: Sync):
    source = UploadedFile("a.csv", csv("S1,A,A,X,,1").encode(), FileFormat.CSV)
    request = ImportRequest(ImportMode.MERGE, False, False, "test")
    first = sync.service.start(sync.admin, request, source)
    with pytest.raises(ImportInProgressError):
        sync.service.start(sync.admin, request, source)
    sync.queued.clear()  # the worker running `first` died
    stale = datetime.now(UTC) - timedelta(minutes=10)
    sync.jobs.jobs[first.id] = replace(sync.jobs.jobs[first.id], updated_at=stale)
    second = sync.service.start(sync.admin, request, source)
    dead = sync.service.get(sync.admin, first.id)
    assert (dead.status, dead.error_code) == (JobStatus.FAILED, "IMPORT_INTERRUPTED")
    assert second.id != first.id


def test_imports_are_for_admins(world: World, sync: Sync) -> None:
    member = world.add_user("MEMBER")
    with pytest.raises(ForbiddenError):
        sync.run(csv("X1,A,A,X,,1"), actor=member)
    with pytest.raises(ForbiddenError):
        sync.service.page(member, 1, 10)
    with pytest.raises(ImportNotFoundError):
        sync.service.get(sync.admin, "f" * 24)


def test_a_dead_job_that_had_committed_its_writes_reads_as_applied(
    world: World, sync: Sync
) -> None:
    queued: list[Any] = []
    dying = Dying(FakeDirectoryStore(world.users, sync.jobs))  # dies right after the commit
    limits = ImportLimits()
    service = DirectorySync(
        dying, sync.jobs, world.cache, world.auth.sessions, limits, queued.append
    )
    source = UploadedFile("a.csv", csv("P1,A,A,X,,1").encode(), FileFormat.CSV)
    started = service.start(sync.admin, ImportRequest(ImportMode.MERGE, False, False, "t"), source)
    with pytest.raises(SystemExit):
        queued.pop()()
    stale = datetime.now(UTC) - timedelta(minutes=10)
    sync.jobs.jobs[started.id] = replace(sync.jobs.jobs[started.id], updated_at=stale)
    job = service.get(sync.admin, started.id)
    assert (job.status, job.error_code) == (JobStatus.SUCCEEDED, "NOTIFY_FAILED")
    assert job.result is not None and job.result["created"] == 1
    assert world.users.get_by_matricule("P1") is not None


class Dying:
    def __init__(self, directory: FakeDirectoryStore) -> None:
        self._directory = directory

    def __getattr__(self, name: str) -> Any:
        return getattr(self._directory, name)

    def apply_import(self, *args: Any) -> Any:
        self._directory.apply_import(*args)
        raise SystemExit("killed")


def test_a_job_declared_dead_while_it_still_runs_applies_nothing(world: World, sync: Sync) -> None:
    source = UploadedFile("a.csv", csv("Q1,A,A,X,,1").encode(), FileFormat.CSV)
    started = sync.service.start(
        sync.admin, ImportRequest(ImportMode.MERGE, False, False, "t"), source
    )
    stale = datetime.now(UTC) - timedelta(minutes=10)  # a slow job, silent for too long
    sync.jobs.jobs[started.id] = replace(sync.jobs.jobs[started.id], updated_at=stale)
    assert sync.service.get(sync.admin, started.id).error_code == "IMPORT_INTERRUPTED"
    sync.queued.pop()()  # it goes on, and finds out when it tries to commit
    job = sync.service.get(sync.admin, started.id)
    assert (job.status, job.error_code) == (JobStatus.FAILED, "IMPORT_INTERRUPTED")
    assert world.users.get_by_matricule("Q1") is None
