"""The stores of the directory sync, activation and the second factor, on every backend: bulk
reads and writes of accounts (all or nothing on SQL), import jobs (one running at a time),
pending activations, TOTP credentials and recovery codes."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import mongomock
import pymongo
import pytest
import sqlalchemy as sa

from services.auth_user.application.directory_ports import (
    CHUNK,
    ActivationStore,
    DirectoryStore,
    ImportJobStore,
)
from services.auth_user.application.mfa_ports import MfaStore
from services.auth_user.application.ports import UserStore
from services.auth_user.domain.directory_plan import ImportMode
from services.auth_user.domain.errors import ImportAbandonedError
from services.auth_user.domain.import_jobs import ImportJob, ImportRequest, JobStatus, Phase
from services.auth_user.domain.model import NewUser, Role, User
from services.auth_user.domain.org import OrgFilter
from services.auth_user.infrastructure.stores import open_auth_stores, open_mongo_stores
from tests.support.databases import ALL_BACKENDS, postgres_database, require_mongodb, sqlite_url
from tests.unit.auth_user.fakes import fake_stores


@dataclass
class Stores:
    users: UserStore
    directory: DirectoryStore
    jobs: ImportJobStore
    activation: ActivationStore
    mfa: MfaStore
    backend: str


@pytest.fixture(params=ALL_BACKENDS)
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    backend = str(request.param)
    if backend == "memory":
        bundle = fake_stores()
        yield Stores(
            bundle.users, bundle.directory, bundle.jobs, bundle.activation, bundle.mfa, backend
        )
    elif backend == "sqlite":
        bundle = open_auth_stores(sqlite_url(tmp_path, "auth_user"))
        yield Stores(
            bundle.users, bundle.directory, bundle.jobs, bundle.activation, bundle.mfa, backend
        )
        bundle.close()
    elif backend == "postgresql":
        with postgres_database() as url:
            bundle = open_auth_stores(url)
            yield Stores(
                bundle.users, bundle.directory, bundle.jobs, bundle.activation, bundle.mfa, backend
            )
            bundle.close()
    else:
        name = f"auth_dir_{uuid.uuid4().hex[:8]}"
        if backend == "mongomock":
            client: Any = mongomock.MongoClient(tz_aware=True)
            lock: threading.Lock | None = threading.Lock()
        else:
            client = pymongo.MongoClient(require_mongodb(), tz_aware=True)
            lock = None
        bundle = open_mongo_stores(client[name], lock)
        yield Stores(
            bundle.users, bundle.directory, bundle.jobs, bundle.activation, bundle.mfa, backend
        )
        client.drop_database(name)


def agent(matricule: str, **fields: Any) -> NewUser:
    values = {"nom": "Ngono", "prenom": "Marie", "ministere": "MINFI", **fields}
    return NewUser(matricule, password_hash="", managed=True, **values)


def apply(
    stores: Stores,
    creates: list[NewUser],
    changes: list[tuple[str, dict[str, Any]]] | None = None,
    job_id: str | None = None,
) -> list[User]:
    """The writes of one running import job, which then ends."""
    job_id = job_id or uuid.uuid4().hex[:24]
    assert stores.jobs.create(job(job_id))
    created = stores.directory.apply_import(job_id, creates, changes or [])
    stores.jobs.finish(job_id, JobStatus.SUCCEEDED, None)
    return created


def test_created_agents_read_back_by_matricule_without_password(stores: Stores) -> None:
    created = apply(stores, [agent("A1"), agent("A2", role=Role.MODERATOR, active=False)], [])
    assert [u.matricule for u in created] == ["A1", "A2"]
    found = {u.matricule: u for u in stores.directory.by_matricules(["A1", "A2", "ZZ"])}
    assert found["A1"] == stores.users.get(created[0].id)
    assert (found["A1"].activated, found["A1"].managed) == (False, True)
    assert (found["A2"].role, found["A2"].active) == (Role.MODERATOR, False)
    assert stores.directory.by_matricules([]) == []


def test_chunks_of_creations_and_changes_all_land(stores: Stores) -> None:
    many = [agent(f"C{n:05d}", nom=f"Nom{n}") for n in range(CHUNK + 5)]
    created = apply(stores, many, [])
    assert len(created) == CHUNK + 5
    changes = [(u.id, {"ministere": "Ministère de la Santé", "managed": True}) for u in created]
    apply(stores, [], changes)
    unit = OrgFilter(ministere="ministere de la sante")
    assert stores.users.search(None, 0, 1, unit)[1] == CHUNK + 5
    assert stores.users.search("nom1004", 0, 10)[1] == 1


def test_changes_write_the_given_columns_and_keep_the_others(stores: Stores) -> None:
    [user] = apply(stores, [agent("K1", email="k@minfi.cm")], [])
    changes = [(user.id, {"nom": "Mbarga", "active": False, "role": Role.ADMIN, "managed": True})]
    apply(stores, [], changes)
    after = stores.users.get(user.id)
    assert after is not None
    assert (after.nom, after.active, after.role, after.email) == (
        "Mbarga",
        False,
        Role.ADMIN,
        "k@minfi.cm",
    )
    assert stores.users.search("mbarga", 0, 10)[1] == 1
    assert stores.users.search("ngono", 0, 10)[1] == 0


def test_managed_active_accounts_and_the_active_count(stores: Stores) -> None:
    apply(stores, [agent("M1"), agent("M2", active=False)], [])
    stores.users.add(NewUser("HAND", "Main", "Faite", "hash"))
    assert [u.matricule for u in stores.directory.managed_active()] == ["M1"]
    assert stores.directory.count_active() == 2


def test_the_writes_mark_their_job_applied(stores: Stores) -> None:
    stores.jobs.create(job("4" * 24))
    stores.directory.apply_import("4" * 24, [agent("J1"), agent("J2")], [])
    marked = stores.jobs.get("4" * 24)
    assert marked is not None and (marked.phase, marked.done) == (Phase.APPLIED, 2)


def test_a_failure_part_way_applies_nothing_on_sql(stores: Stores) -> None:
    if stores.backend not in {"sqlite", "postgresql"}:
        pytest.skip("no multi-document transaction: a failure keeps what was written")
    stores.users.add(NewUser("TAKEN", "Déjà", "Là", "hash"))
    [kept] = apply(stores, [agent("K0")], [])
    stores.jobs.create(job("5" * 24))
    batch = [agent(f"F{n:05d}") for n in range(CHUNK)] + [agent("TAKEN")]
    with pytest.raises(sa.exc.IntegrityError):  # the unique matricule, in the second chunk
        stores.directory.apply_import("5" * 24, batch, [(kept.id, {"nom": "Changé"})])
    assert stores.directory.by_matricules(["F00000", "F00999"]) == []
    assert stores.users.get(kept.id).nom == "Ngono"  # type: ignore[union-attr]
    assert stores.jobs.get("5" * 24).phase is Phase.QUEUED  # type: ignore[union-attr]


def test_a_job_declared_dead_cannot_apply(stores: Stores) -> None:
    stores.jobs.create(job("b" * 24))
    stores.jobs.finish("b" * 24, JobStatus.FAILED, None, ("IMPORT_INTERRUPTED", "mort"))
    with pytest.raises(ImportAbandonedError):
        stores.directory.apply_import("b" * 24, [agent("Z1")], [])
    if stores.backend in {"sqlite", "postgresql"}:  # rolled back
        assert stores.directory.by_matricules(["Z1"]) == []
    assert stores.jobs.get("b" * 24).status is JobStatus.FAILED  # type: ignore[union-attr]


def test_a_planned_job_keeps_its_report(stores: Stores) -> None:
    stores.jobs.create(job("6" * 24))
    stores.jobs.planned("6" * 24, {"created": 3}, 3)
    planned = stores.jobs.get("6" * 24)
    assert planned is not None
    assert (planned.phase, planned.total, planned.result) == (Phase.APPLYING, 3, {"created": 3})


def job(job_id: str, mode: ImportMode = ImportMode.MERGE) -> ImportJob:
    now = datetime.now(UTC).replace(microsecond=0)
    request = ImportRequest(mode, dry_run=False, force=True, source="fichier a.csv")
    return ImportJob(job_id, "a" * 24, request, JobStatus.RUNNING, Phase.QUEUED, 0, 0, now, now)


def test_one_job_runs_at_a_time(stores: Stores) -> None:
    assert stores.jobs.create(job("1" * 24))
    assert not stores.jobs.create(job("2" * 24))
    assert stores.jobs.running().id == "1" * 24  # type: ignore[union-attr]
    stores.jobs.finish("1" * 24, JobStatus.SUCCEEDED, {"created": 1})
    assert stores.jobs.running() is None
    assert stores.jobs.create(job("2" * 24))


def test_a_job_keeps_its_progress_result_and_error(stores: Stores) -> None:
    stores.jobs.create(job("3" * 24, ImportMode.FULL))
    stores.jobs.progress("3" * 24, Phase.PLANNING, 1000, 20000)
    running = stores.jobs.get("3" * 24)
    assert running is not None
    assert (running.phase, running.done, running.total) == (Phase.PLANNING, 1000, 20000)
    assert (running.request.mode, running.request.force, running.actor_id) == (
        ImportMode.FULL,
        True,
        "a" * 24,
    )
    report = {"created": 2, "errors": [{"line": 3, "field": "nom", "code": "REQUIRED"}]}
    stores.jobs.finish("3" * 24, JobStatus.REFUSED, report, ("TOO_MANY_ERRORS", "Trop"))
    ended = stores.jobs.get("3" * 24)
    assert ended is not None and ended.finished_at is not None
    assert (ended.status, ended.phase, ended.result) == (JobStatus.REFUSED, Phase.DONE, report)
    assert (ended.error_code, ended.error_message) == ("TOO_MANY_ERRORS", "Trop")
    assert stores.jobs.get("f" * 24) is None


def test_jobs_page_newest_first(stores: Stores) -> None:
    for n in range(3):
        job_id = f"{n:024x}"
        stores.jobs.create(job(job_id))
        stores.jobs.finish(job_id, JobStatus.SUCCEEDED, None)
    jobs, total = stores.jobs.page(0, 2)
    assert (total, [j.id for j in jobs]) == (3, [f"{2:024x}", f"{1:024x}"])


LATER = datetime(2030, 1, 1, tzinfo=UTC)


def test_an_imports_waiting_agents_get_codes_used_once(stores: Stores) -> None:
    made = apply(stores, [agent("W2", nom="B"), agent("W1", nom="A")], job_id="7" * 24)
    apply(stores, [agent("W3")], job_id="8" * 24)
    waiting = stores.activation.pending_of_import("7" * 24)
    assert [u.matricule for u in waiting] == ["W1", "W2"]  # in name order
    pending = stores.activation.get(made[0].id)
    assert pending is not None and (pending.import_id, pending.code_hash) == ("7" * 24, None)
    stores.activation.issue("7" * 24, [(u.id, f"hash-{u.matricule}") for u in waiting], LATER)
    issued = stores.activation.get(made[0].id)
    assert issued is not None and (issued.code_hash, issued.expires_at) == ("hash-W2", LATER)
    now = datetime.now(UTC)
    assert not stores.activation.consume(made[0].id, "hash-W1", "argon", now)  # not theirs
    assert stores.activation.consume(made[0].id, "hash-W2", "argon", now)
    assert not stores.activation.consume(made[0].id, "hash-W2", "argon", now)  # once
    assert stores.users.get(made[0].id).password_hash == "argon"  # type: ignore[union-attr]
    assert stores.activation.get(made[0].id) is None
    assert [u.matricule for u in stores.activation.pending_of_import("7" * 24)] == ["W1"]


def test_an_expired_code_is_not_consumed(stores: Stores) -> None:
    [user] = apply(stores, [agent("X1")])
    past = datetime(2020, 1, 1, tzinfo=UTC)
    stores.activation.issue(None, [(user.id, "h")], past)
    assert not stores.activation.consume(user.id, "h", "argon", datetime.now(UTC))
    assert stores.users.get(user.id).password_hash == ""  # type: ignore[union-attr]


def test_a_code_for_one_account_keeps_the_import_that_made_it(stores: Stores) -> None:
    [imported] = apply(stores, [agent("Y1")], job_id="a" * 24)
    by_hand = stores.users.add(NewUser("Y2", "Main", "Faite", "argon"))
    stores.activation.issue(None, [(imported.id, "h1"), (by_hand.id, "h2")], LATER)
    assert stores.activation.get(imported.id).import_id == "a" * 24  # type: ignore[union-attr]
    hand = stores.activation.get(by_hand.id)
    assert hand is not None and (hand.import_id, hand.code_hash) == (None, "h2")
    assert [u.matricule for u in stores.activation.pending_of_import("a" * 24)] == ["Y1"]


def test_a_second_factor_is_begun_confirmed_and_each_step_accepted_once(stores: Stores) -> None:
    user = "c" * 24
    assert stores.mfa.get(user) is None
    stores.mfa.begin(user, "sealed-1")
    stores.mfa.begin(user, "sealed-2")  # an unconfirmed secret is replaced
    begun = stores.mfa.get(user)
    assert begun is not None and (begun.sealed_secret, begun.confirmed) == ("sealed-2", False)
    assert not stores.mfa.use_step(user, 10)  # not confirmed yet
    assert stores.mfa.confirm(user, 100, ["h1", "h2"])
    assert not stores.mfa.confirm(user, 101, ["h3"])  # once
    stores.mfa.begin(user, "sealed-3")  # never over a confirmed secret
    confirmed = stores.mfa.get(user)
    assert confirmed is not None
    assert (confirmed.sealed_secret, confirmed.confirmed, confirmed.last_step) == (
        "sealed-2",
        True,
        100,
    )
    assert confirmed.recovery_hashes == ("h1", "h2")
    assert not stores.mfa.use_step(user, 100)  # the step that confirmed it
    assert stores.mfa.use_step(user, 102)
    assert not stores.mfa.use_step(user, 101)  # an older step after a newer one
    assert stores.mfa.use_recovery(user, "h1")
    assert not stores.mfa.use_recovery(user, "h1")
    stores.mfa.replace_recovery(user, ["h8", "h9"])
    assert stores.mfa.get(user).recovery_hashes == ("h8", "h9")  # type: ignore[union-attr]
    assert stores.mfa.delete(user)
    assert not stores.mfa.delete(user)
    assert stores.mfa.get(user) is None
