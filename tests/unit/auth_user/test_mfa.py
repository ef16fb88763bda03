"""The second factor with in-memory stores: required roles enrol inside the login challenge,
enrolled users give a TOTP or a recovery code (each accepted once), wrong codes end the
challenge, users manage their own factor, admins reset a lost one; all audited."""

from __future__ import annotations

from dataclasses import dataclass

import pyotp
import pytest

from services.auth_user.application.auth import AuthService
from services.auth_user.application.mfa import MfaGate, MfaService
from services.auth_user.domain.errors import (
    InvalidMfaCodeError,
    MfaAlreadyEnabledError,
    MfaChallengeExpiredError,
    MfaMandatoryError,
    MfaNotEnabledError,
    TokenRevokedError,
)
from services.auth_user.domain.mfa import MfaPending
from services.auth_user.domain.model import Role, Session, User

from .conftest import PASSWORD, World
from .fakes import FakeMfaChallenges, FakeMfaStore, FakeSecretBox

IP = "10.2.2.2"


@dataclass
class Mfa:
    auth: AuthService
    service: MfaService
    store: FakeMfaStore
    challenges: FakeMfaChallenges
    world: World

    def code(self, secret: str, offset: int = 0) -> str:
        return pyotp.TOTP(secret).at(int(self.world.clock()) + offset * 30)

    def login(self, matricule: str) -> Session | MfaPending:
        return self.auth.login(matricule, PASSWORD, IP)

    def enrol(self, user: User) -> str:
        """The user's confirmed secret (enrolled through the self service)."""
        secret = self.service.setup(user).secret
        self.service.confirm(user, self.code(secret))
        self.world.clock.now += 30  # the next code is another time step
        return secret


@pytest.fixture
def mfa(world: World) -> Mfa:
    store, challenges = FakeMfaStore(), FakeMfaChallenges()
    gate = MfaGate(store, challenges, frozenset({Role.ADMIN, Role.MODERATOR}))
    auth = AuthService(
        world.users,
        world.hasher,
        world.tokens,
        world.refresh_tokens,
        world.throttle,
        world.cache,
        world.auth.sessions,
        world.clock,
        gate,
    )
    service = MfaService(
        gate,
        store,
        challenges,
        FakeSecretBox(),
        world.users,
        auth,
        world.throttle,
        "ngomna",
        world.clock,
    )
    return Mfa(auth, service, store, challenges, world)


def kinds(world: World) -> list[str]:
    return [e.kind for e in world.audit_log.events if e.kind.startswith("mfa")]


def test_a_role_without_mfa_logs_in_with_the_password_alone(world: World, mfa: Mfa) -> None:
    world.add_user("U1")
    assert isinstance(mfa.login("U1"), Session)


def test_a_required_role_enrols_inside_the_login_challenge(world: World, mfa: Mfa) -> None:
    admin = world.add_user("A1", role=Role.ADMIN)
    pending = mfa.login("A1")
    assert isinstance(pending, MfaPending) and pending.enrolled is False
    enrolment = mfa.service.login_setup(pending.token)
    assert enrolment.uri.startswith("otpauth://totp/ngomna:A1?secret=")
    assert mfa.store.credentials[admin.id].sealed_secret != enrolment.secret  # sealed at rest
    with pytest.raises(InvalidMfaCodeError):
        mfa.service.complete_login(pending.token, "000000", IP)
    session, recovery = mfa.service.complete_login(pending.token, mfa.code(enrolment.secret), IP)
    assert session.user.id == admin.id and recovery is not None and len(recovery) == 10
    mfa.world.auth.validate(session.tokens.access_token)
    assert pending.token not in mfa.challenges.challenges  # the challenge is spent
    assert kinds(world) == ["mfa_failed", "mfa_enrolled", "mfa_verified"]


def test_an_enrolled_user_gives_each_code_once(world: World, mfa: Mfa) -> None:
    admin = world.add_user("A2", role=Role.ADMIN)
    secret = mfa.enrol(admin)
    pending = mfa.login("A2")
    assert isinstance(pending, MfaPending) and pending.enrolled
    with pytest.raises(MfaAlreadyEnabledError):
        mfa.service.login_setup(pending.token)
    code = mfa.code(secret)
    mfa.service.complete_login(pending.token, code, IP)
    replay = mfa.login("A2")
    assert isinstance(replay, MfaPending)
    with pytest.raises(InvalidMfaCodeError):  # the same code, the same time step: once only
        mfa.service.complete_login(replay.token, code, IP)
    world.clock.now += 60  # two steps on: the previous step's code is still in the window
    mfa.service.complete_login(replay.token, mfa.code(secret, offset=-1), IP)


def test_recovery_codes_work_once_each(world: World, mfa: Mfa) -> None:
    moderator = world.add_user("M1", role=Role.MODERATOR)
    pending = mfa.login("M1")
    assert isinstance(pending, MfaPending)
    secret = mfa.service.login_setup(pending.token).secret
    _, recovery = mfa.service.complete_login(pending.token, mfa.code(secret), IP)
    assert recovery is not None
    again = mfa.login("M1")
    assert isinstance(again, MfaPending)
    mfa.service.complete_login(again.token, recovery[0].upper().replace("-", " "), IP)
    third = mfa.login("M1")
    assert isinstance(third, MfaPending)
    with pytest.raises(InvalidMfaCodeError):
        mfa.service.complete_login(third.token, recovery[0], IP)
    assert mfa.service.status(moderator).recovery_codes_left == 9


def test_five_wrong_codes_end_the_challenge(world: World, mfa: Mfa) -> None:
    admin = world.add_user("A3", role=Role.ADMIN)
    secret = mfa.enrol(admin)
    pending = mfa.login("A3")
    assert isinstance(pending, MfaPending)
    for _ in range(4):
        with pytest.raises(InvalidMfaCodeError):
            mfa.service.complete_login(pending.token, "123456", IP)
    with pytest.raises(MfaChallengeExpiredError):
        mfa.service.complete_login(pending.token, "123456", IP)
    with pytest.raises(MfaChallengeExpiredError):  # even the right code: log in again
        mfa.service.complete_login(pending.token, mfa.code(secret), IP)
    with pytest.raises(MfaChallengeExpiredError):
        mfa.service.complete_login("forged-token", mfa.code(secret), IP)


def test_a_user_manages_their_own_second_factor(world: World, mfa: Mfa) -> None:
    user = world.add_user("U2")
    assert mfa.service.status(user).enabled is False
    with pytest.raises(MfaNotEnabledError):
        mfa.service.confirm(user, "123456")
    secret = mfa.service.setup(user).secret
    with pytest.raises(InvalidMfaCodeError):
        mfa.service.confirm(user, "000000")
    codes = mfa.service.confirm(user, mfa.code(secret))
    assert len(codes) == 10 and mfa.service.status(user).enabled
    assert isinstance(mfa.login("U2"), MfaPending)  # enrolled: asked at every login
    world.clock.now += 30
    fresh = mfa.service.regenerate_recovery(user, mfa.code(secret))
    assert set(fresh).isdisjoint(codes)
    world.clock.now += 30
    mfa.service.disable(user, mfa.code(secret))
    assert isinstance(mfa.login("U2"), Session)
    assert kinds(world)[-2:] == ["mfa_recovery_regenerated", "mfa_disabled"]


def test_a_required_role_cannot_turn_it_off(world: World, mfa: Mfa) -> None:
    admin = world.add_user("A4", role=Role.ADMIN)
    secret = mfa.enrol(admin)
    with pytest.raises(MfaMandatoryError):
        mfa.service.disable(admin, mfa.code(secret))


def test_an_admin_resets_a_lost_factor_and_the_users_sessions_end(world: World, mfa: Mfa) -> None:
    boss = world.add_user("A5", role=Role.ADMIN)
    user = world.add_user("U3")
    secret = mfa.enrol(user)
    pending = mfa.login("U3")
    assert isinstance(pending, MfaPending)
    session, _ = mfa.service.complete_login(pending.token, mfa.code(secret), IP)
    world.clock.now += 1
    mfa.service.reset(boss, user)
    with pytest.raises(TokenRevokedError):
        world.auth.validate(session.tokens.access_token)
    world.clock.now += 1
    assert isinstance(mfa.login("U3"), Session)  # not required for a user: no factor now
    with pytest.raises(MfaNotEnabledError):
        mfa.service.reset(boss, user)
    assert "mfa_reset" in kinds(world)


def test_a_deactivated_users_challenge_is_over(world: World, mfa: Mfa) -> None:
    admin = world.add_user("A6", role=Role.ADMIN)
    pending = mfa.login("A6")
    assert isinstance(pending, MfaPending)
    world.users.update(admin.id, {"active": False})
    with pytest.raises(MfaChallengeExpiredError):
        mfa.service.login_setup(pending.token)
