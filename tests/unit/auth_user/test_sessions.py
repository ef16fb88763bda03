"""What ends which session: logout, logout everywhere, password and role changes, deletion,
refresh reuse; and a user's list of their own sessions."""

from __future__ import annotations

import pytest

from services.auth_user.application.users import UserDirectory
from services.auth_user.domain.errors import (
    AccountDisabledError,
    ForbiddenError,
    RateLimitedError,
    RefreshTokenReusedError,
    RefreshTokenRevokedError,
    SessionNotFoundError,
    TokenRevokedError,
)
from services.auth_user.domain.model import Role, Session, TokenType

from .conftest import PASSWORD, World
from .fakes import FakeRequestLimiter

IP = "10.0.0.1"


def sid(world: World, session: Session) -> str:
    family = world.tokens.decode(session.tokens.access_token, TokenType.ACCESS).family
    assert family is not None
    return family


def revoked(world: World, session: Session) -> bool:
    try:
        world.auth.validate(session.tokens.access_token)
    except TokenRevokedError:
        return True
    return False


def test_logout_ends_that_session_only(world: World) -> None:
    world.add_user("MAT1")
    phone, desk = world.auth.login("MAT1", PASSWORD, IP), world.auth.login("MAT1", PASSWORD, IP)
    assert world.auth.logout(phone.tokens.refresh_token)
    assert revoked(world, phone) and not revoked(world, desk)
    assert [(r.kind, r.id, r.reason) for r in world.revocations.log] == [
        ("session", sid(world, phone), "logout")
    ]


def test_logout_everywhere_ends_every_session_and_their_refresh_tokens(world: World) -> None:
    user = world.add_user("MAT1")
    phone, desk = world.auth.login("MAT1", PASSWORD, IP), world.auth.login("MAT1", PASSWORD, IP)
    world.clock.now += 1
    world.auth.logout_all(user.id)
    assert revoked(world, phone) and revoked(world, desk)
    with pytest.raises(RefreshTokenRevokedError):
        world.auth.refresh(desk.tokens.refresh_token)
    world.clock.now += 1
    assert not revoked(world, world.auth.login("MAT1", PASSWORD, IP))  # a later login works


def test_a_reused_refresh_token_revokes_its_session_everywhere(world: World) -> None:
    world.add_user("MAT1")
    session = world.auth.login("MAT1", PASSWORD, IP)
    world.auth.refresh(session.tokens.refresh_token)
    with pytest.raises(RefreshTokenReusedError):
        world.auth.refresh(session.tokens.refresh_token)
    assert revoked(world, session)
    assert world.revocations.log[-1].reason == "refresh_reused"


def test_changing_my_password_ends_my_other_devices_not_this_one(world: World) -> None:
    me = world.add_user("ADM1", Role.ADMIN)
    here, there = world.auth.login("ADM1", PASSWORD, IP), world.auth.login("ADM1", PASSWORD, IP)
    world.directory.update(me.id, me.id, {"password": "nouveau-1234"}, sid(world, here))
    assert revoked(world, there) and not revoked(world, here)


def test_an_admin_changing_someone_elses_password_or_role_ends_all_their_sessions(
    world: World,
) -> None:
    admin, user = world.add_user("ADM1", Role.ADMIN), world.add_user("MAT1")
    first = world.auth.login("MAT1", PASSWORD, IP)
    world.directory.update(admin.id, user.id, {"password": "nouveau-1234"})
    assert revoked(world, first)
    world.clock.now += 1
    second = world.auth.login("MAT1", "nouveau-1234", IP)
    world.clock.now += 1
    world.directory.update(admin.id, user.id, {"role": "admin"})
    assert revoked(world, second)
    assert [r.reason for r in world.revocations.log] == ["password_changed", "role_changed"]


def test_an_ordinary_profile_edit_ends_nothing(world: World) -> None:
    user = world.add_user("MAT1")
    session = world.auth.login("MAT1", PASSWORD, IP)
    world.directory.update(user.id, user.id, {"ministere": "MINSANTE"})
    assert not revoked(world, session) and world.revocations.log == []


def test_deleting_a_user_ends_their_sessions(world: World) -> None:
    admin, user = world.add_user("ADM1", Role.ADMIN), world.add_user("MAT1")
    session = world.auth.login("MAT1", PASSWORD, IP)
    world.directory.delete(admin.id, user.id)
    assert revoked(world, session)


def test_a_user_lists_their_sessions_and_ends_one_but_not_someone_elses(world: World) -> None:
    me, other = world.add_user("MAT1"), world.add_user("MAT2")
    phone = world.auth.login("MAT1", PASSWORD, "10.0.0.7", "ngomna-android/2.1")
    world.clock.now += 5
    world.auth.login("MAT1", PASSWORD, IP, "Firefox")
    theirs = world.auth.login("MAT2", PASSWORD, IP)
    listed = world.auth.sessions.list(me.id)
    assert [(s.user_agent, s.ip) for s in listed] == [
        ("Firefox", IP),
        ("ngomna-android/2.1", "10.0.0.7"),
    ]
    with pytest.raises(SessionNotFoundError):
        world.auth.sessions.revoke_one(me.id, sid(world, theirs))
    world.auth.sessions.revoke_one(me.id, sid(world, phone))
    assert revoked(world, phone) and not revoked(world, theirs)
    assert [s.user_agent for s in world.auth.sessions.list(me.id)] == ["Firefox"]
    assert len(world.auth.sessions.list(other.id)) == 1


def test_deactivation_ends_every_session_and_refuses_logins_until_reactivated(
    world: World,
) -> None:
    admin, user = world.add_user("ADM1", Role.ADMIN), world.add_user("MAT1")
    session = world.auth.login("MAT1", PASSWORD, IP)
    world.directory.set_active(admin.id, user.id, False)
    assert revoked(world, session)
    assert world.revocations.log[-1].reason == "deactivated"
    with pytest.raises(AccountDisabledError):
        world.auth.login("MAT1", PASSWORD, IP)
    with pytest.raises(RefreshTokenRevokedError):
        world.auth.refresh(session.tokens.refresh_token)
    with pytest.raises(ForbiddenError):
        world.directory.set_active(user.id, user.id, True)
    world.clock.now += 1
    world.directory.set_active(admin.id, user.id, True)
    assert not revoked(world, world.auth.login("MAT1", PASSWORD, IP))


def test_lookup_budgets_are_per_caller_with_the_wait(world: World) -> None:
    parts = (world.users, world.hasher, world.cache, world.auth.sessions)
    limited = UserDirectory(*parts, FakeRequestLimiter(per_caller=1, retry_after=12.5))
    limited.admit_lookup("user:u1", "lookup")
    with pytest.raises(RateLimitedError) as refused:
        limited.admit_lookup("user:u1", "lookup")
    assert refused.value.retry_after == 13
    limited.admit_lookup("user:u2", "lookup")  # another caller, another budget
    limited.admit_lookup("service:chat_file", "service-lookup")
