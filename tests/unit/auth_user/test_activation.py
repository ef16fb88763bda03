"""Activation codes with in-memory stores: issued on export (hashed), used once to set the first
password and log in, expiring, replaced by a new export, rate limited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.auth_user.application.activation import ActivationService
from services.auth_user.domain.activation import code_hash, new_code, normalised
from services.auth_user.domain.errors import (
    AccountDisabledError,
    ActivationCodeExpiredError,
    ForbiddenError,
    ImportNotFoundError,
    InvalidActivationCodeError,
    InvalidCredentialsError,
    RateLimitedError,
    TokenRevokedError,
)

from .conftest import PASSWORD, Sync, World, csv
from .fakes import FakeActivationStore

IP = "10.1.1.1"
NEW = "Premier-Mot-2026"


class Now:
    def __init__(self) -> None:
        self.at = datetime(2026, 12, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def now() -> Now:
    return Now()


@pytest.fixture
def activation(world: World, sync: Sync, now: Now) -> ActivationService:
    store = FakeActivationStore(sync.directory)
    return ActivationService(
        store,
        world.users,
        sync.jobs,
        world.auth,
        world.hasher,
        world.throttle,  # 3 free failures, then back-off
        timedelta(days=14),
        now,
    )


def test_codes_read_well_and_hash_the_same_however_typed() -> None:
    code = new_code()
    assert len(code) == 14 and code.count("-") == 2
    assert set(code.replace("-", "")) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert code_hash(code.lower().replace("-", " ")) == code_hash(code)
    assert normalised("abco-il00") == "ABC01100"
    assert new_code() != new_code()


def test_an_import_exports_codes_and_each_agent_activates_once(
    world: World, sync: Sync, activation: ActivationService
) -> None:
    job = sync.run(csv("A1,Ngono,Marie,MINFI,,1", "A2,Fotso,Paul,MINFI,,1"))
    issued = {c.matricule: c for c in activation.export(sync.admin, job.id)}
    assert sorted(issued) == ["A1", "A2"]
    assert (issued["A2"].nom, issued["A2"].ministere) == ("Fotso", "MINFI")
    with pytest.raises(InvalidCredentialsError):  # no password yet
        world.auth.login("A1", PASSWORD, IP)
    session = activation.activate("A1", issued["A1"].code.lower(), NEW, IP)
    assert (session.user.matricule, session.id != "") == ("A1", True)
    world.auth.validate(session.tokens.access_token)
    world.auth.login("A1", NEW, IP)
    with pytest.raises(InvalidActivationCodeError):  # once only
        activation.activate("A1", issued["A1"].code, "Autre-Mot-2026", IP)
    assert [c.matricule for c in activation.export(sync.admin, job.id)] == ["A2"]
    kinds = [e.kind for e in world.audit_log.events]
    assert {"activation_codes_issued", "activated"} <= set(kinds)


def test_a_new_export_replaces_the_codes_it_reissues(
    sync: Sync, activation: ActivationService
) -> None:
    job = sync.run(csv("B1,Ngono,Marie,MINFI,,1"))
    [first] = activation.export(sync.admin, job.id)
    [second] = activation.export(sync.admin, job.id)
    with pytest.raises(InvalidActivationCodeError):
        activation.activate("B1", first.code, NEW, IP)
    activation.activate("B1", second.code, NEW, IP)


def test_codes_expire(sync: Sync, activation: ActivationService, now: Now) -> None:
    job = sync.run(csv("C1,Ngono,Marie,MINFI,,1"))
    [issued] = activation.export(sync.admin, job.id)
    now.at += timedelta(days=14, seconds=1)
    with pytest.raises(ActivationCodeExpiredError):
        activation.activate("C1", issued.code, NEW, IP)


def test_wrong_codes_unknown_matricules_and_guessing(
    world: World, sync: Sync, activation: ActivationService
) -> None:
    job = sync.run(csv("D1,Ngono,Marie,MINFI,,1"))
    [issued] = activation.export(sync.admin, job.id)
    with pytest.raises(InvalidActivationCodeError):
        activation.activate("NOBODY", issued.code, NEW, IP)
    for guess in ("AAAA-BBBB-CCCC", "AAAA-BBBB-CCCD", "AAAA-BBBB-CCCE", "AAAA-BBBB-CCCF"):
        with pytest.raises(InvalidActivationCodeError):
            activation.activate("D1", guess, NEW, IP)
    with pytest.raises(RateLimitedError):  # 3 free failures, then the back-off
        activation.activate("D1", issued.code, NEW, IP)
    world.clock.now += 2
    activation.activate("D1", issued.code, NEW, IP)
    failed = [e.detail for e in world.audit_log.events if e.kind == "activation_failed"]
    assert failed == ["unknown_matricule"] + ["wrong_code"] * 4


def test_one_agents_code_resets_a_forgotten_password_and_ends_the_old_sessions(
    world: World, sync: Sync, activation: ActivationService
) -> None:
    agent = world.add_user("E1")
    old = world.auth.login("E1", PASSWORD, IP)
    issued = activation.issue_for(sync.admin, agent)
    world.auth.login("E1", PASSWORD, IP)  # the old password works until the code is used
    session = activation.activate("E1", issued.code, NEW, IP)
    world.auth.validate(session.tokens.access_token)
    with pytest.raises(TokenRevokedError):
        world.auth.validate(old.tokens.access_token)
    with pytest.raises(InvalidCredentialsError):
        world.auth.login("E1", PASSWORD, IP)


def test_only_admins_issue_codes_and_never_for_disabled_accounts(
    world: World, sync: Sync, activation: ActivationService
) -> None:
    member = world.add_user("F0")
    with pytest.raises(ForbiddenError):
        activation.issue_for(member, member)
    job = sync.run(csv("F1,Ngono,Marie,MINFI,,1"))
    with pytest.raises(ForbiddenError):
        activation.export(member, job.id)
    with pytest.raises(ImportNotFoundError):
        activation.export(sync.admin, "f" * 24)
    agent = world.users.get_by_matricule("F1")
    assert agent is not None
    [issued] = activation.export(sync.admin, job.id)
    world.users.update(agent.id, {"active": False})
    with pytest.raises(AccountDisabledError):
        activation.issue_for(sync.admin, world.users.users[agent.id])
    with pytest.raises(AccountDisabledError):
        activation.activate("F1", issued.code, NEW, IP)
    assert activation.export(sync.admin, job.id) == []  # a deactivated agent gets no code
