from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from libs.sessions import RevocationMirror
from services.auth_user.application.account import AccountService
from services.auth_user.application.audit import SecurityAudit
from services.auth_user.application.auth import AuthService
from services.auth_user.application.directory_sync import DirectorySync
from services.auth_user.application.sessions import SessionControl
from services.auth_user.application.users import UserDirectory
from services.auth_user.domain.directory_files import FileFormat, UploadedFile
from services.auth_user.domain.directory_plan import ImportLimits, ImportMode
from services.auth_user.domain.import_jobs import ImportJob, ImportRequest
from services.auth_user.domain.model import LoginLimits, NewUser, Role, User

from .fakes import (
    FakeAuditLog,
    FakeDirectoryStore,
    FakeImportJobStore,
    FakeLoginThrottle,
    FakePasswordHasher,
    FakeProfileCache,
    FakeRefreshTokenStore,
    FakeRevocationLog,
    FakeSessionRegistry,
    FakeTokenCodec,
    FakeUserStore,
)

PASSWORD = "Ngomna2026!"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class World:
    users: FakeUserStore
    hasher: FakePasswordHasher
    tokens: FakeTokenCodec
    refresh_tokens: FakeRefreshTokenStore
    throttle: FakeLoginThrottle
    cache: FakeProfileCache
    clock: Clock
    auth: AuthService
    directory: UserDirectory
    revocations: FakeRevocationLog
    registry: FakeSessionRegistry
    account: AccountService
    audit_log: FakeAuditLog
    limits: LoginLimits

    def add_user(self, matricule: str, role: Role = Role.USER, nom: str = "Dupont") -> User:
        return self.users.add(
            NewUser(
                matricule=matricule,
                nom=nom,
                prenom="Jean",
                password_hash=self.hasher.hash(PASSWORD),
                role=role,
            )
        )


@pytest.fixture
def world() -> World:
    clock = Clock()
    users, hasher, cache = FakeUserStore(), FakePasswordHasher(), FakeProfileCache()
    tokens, refresh = FakeTokenCodec(clock), FakeRefreshTokenStore()
    limits = LoginLimits(free_failures=3, backoff_base=2, backoff_max=60, per_ip=10)
    throttle = FakeLoginThrottle(limits, clock)
    mirror = RevocationMirror(clock=clock)
    mirror.replace({}, {})
    revocations, registry = FakeRevocationLog(mirror, clock), FakeSessionRegistry()
    audit_log = FakeAuditLog()
    sessions = SessionControl(revocations, mirror, refresh, registry, SecurityAudit(audit_log))
    auth = AuthService(users, hasher, tokens, refresh, throttle, cache, sessions, clock)
    directory = UserDirectory(users, hasher, cache, sessions)
    account = AccountService(users, hasher, sessions, throttle, cache)
    return World(
        users,
        hasher,
        tokens,
        refresh,
        throttle,
        cache,
        clock,
        auth,
        directory,
        revocations,
        registry,
        account,
        audit_log,
        limits,
    )


HEADER = "matricule,nom,prenom,ministere,role,active\n"


@dataclass
class Sync:
    service: DirectorySync
    directory: FakeDirectoryStore
    jobs: FakeImportJobStore
    admin: User
    queued: list[Any]

    def run(self, text: str, mode: str = "merge", dry_run: bool = False, **more: Any) -> ImportJob:
        source = UploadedFile("agents.csv", text.encode(), FileFormat.CSV)
        request = ImportRequest(ImportMode(mode), dry_run, more.get("force", False), "test")
        job = self.service.start(more.get("actor", self.admin), request, source)
        while self.queued:
            self.queued.pop(0)()
        return self.service.get(self.admin, job.id)


@pytest.fixture
def sync(world: World) -> Sync:
    jobs = FakeImportJobStore()
    directory = FakeDirectoryStore(world.users, jobs)
    queued: list[Any] = []
    service = DirectorySync(
        directory,
        jobs,
        world.cache,
        world.auth.sessions,
        ImportLimits(max_deactivate_ratio=0.5, max_error_ratio=0.1),
        queued.append,  # run by Sync.run, after start returned
    )
    admin = world.add_user("ADM", role=Role.ADMIN)
    return Sync(service, directory, jobs, admin, queued)


def csv(*lines: str) -> str:
    return HEADER + "".join(f"{line}\n" for line in lines)
