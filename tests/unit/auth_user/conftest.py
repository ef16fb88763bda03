from __future__ import annotations

from dataclasses import dataclass

import pytest

from libs.sessions import RevocationMirror
from services.auth_user.application.auth import AuthService
from services.auth_user.application.sessions import SessionControl
from services.auth_user.application.users import UserDirectory
from services.auth_user.domain.model import LoginLimits, NewUser, Role, User

from .fakes import (
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
    sessions = SessionControl(revocations, mirror, refresh, registry)
    auth = AuthService(users, hasher, tokens, refresh, throttle, cache, sessions, clock)
    directory = UserDirectory(users, hasher, cache, sessions)
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
    )
