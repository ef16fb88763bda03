from __future__ import annotations

import time

import pytest

from services.auth_user.bootstrap import Services, build
from services.auth_user.domain.model import LoginLimits, Role
from services.auth_user.interfaces.cli import main
from services.auth_user.settings import Settings

from .fakes import (
    FakeLoginThrottle,
    FakePasswordHasher,
    FakeProfileCache,
    FakeRefreshTokenStore,
    FakeRequestLimiter,
    FakeTokenCodec,
    FakeUserStore,
    fake_stores,
)


@pytest.fixture
def store() -> FakeUserStore:
    return FakeUserStore()


@pytest.fixture
def services(store: FakeUserStore) -> Services:
    return build(
        Settings(),
        stores=fake_stores(store),
        hasher=FakePasswordHasher(),
        tokens=FakeTokenCodec(),
        refresh_tokens=FakeRefreshTokenStore(),
        limiter=FakeRequestLimiter(),
        throttle=FakeLoginThrottle(LoginLimits(), time.time),
        cache=FakeProfileCache(),
    )


def test_create_admin_stores_an_admin(services: Services, store: FakeUserStore) -> None:
    argv = ["create-admin", "--matricule", "ROOT", "--nom", "N", "--prenom", "P"]
    assert main([*argv, "--password", "long-enough-1"], services) == 0
    admin = store.get_by_matricule("ROOT")
    assert admin is not None and admin.role is Role.ADMIN


def test_create_admin_refuses_a_short_password_and_writes_nothing(
    services: Services, store: FakeUserStore, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["create-admin", "--matricule", "ROOT", "--nom", "N", "--prenom", "P"]
    assert main([*argv, "--password", "short"], services) == 1
    assert "password" in capsys.readouterr().err
    assert store.users == {}


def test_create_admin_twice_fails_the_second_time(services: Services) -> None:
    argv = ["create-admin", "--matricule", "ROOT", "--nom", "N", "--prenom", "P"]
    assert main([*argv, "--password", "long-enough-1"], services) == 0
    assert main([*argv, "--password", "long-enough-1"], services) == 1


def test_seed_demo_is_idempotent(services: Services, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed-demo"], services) == 0
    assert main(["seed-demo"], services) == 0
    assert "already present" in capsys.readouterr().out


def test_build_reports_readiness_through_the_ports(services: Services) -> None:
    assert set(services.checks) == {"database", "redis", "revocations"}
    services.checks["database"]()
    services.checks["redis"]()
    assert services.listener is not None
    services.listener.start()
    deadline = time.monotonic() + 5
    while not services.mirror.fresh and time.monotonic() < deadline:
        time.sleep(0.01)
    services.checks["revocations"]()
