"""Self service: a user's language, and a password change that needs the current password."""

from __future__ import annotations

import pytest

from services.auth_user.domain.errors import (
    InvalidCredentialsError,
    InvalidCurrentPasswordError,
    InvalidTokenError,
    RateLimitedError,
    TokenRevokedError,
)
from services.auth_user.domain.model import Session, TokenType

from .conftest import PASSWORD, World

IP = "10.0.0.9"


def session_id(world: World, session: Session) -> str:
    family = world.tokens.decode(session.tokens.access_token, TokenType.ACCESS).family
    assert family is not None
    return family


def test_the_locale_defaults_to_french_and_the_user_changes_it(world: World) -> None:
    user = world.add_user("LOC1")
    assert world.account.me(user.id).locale == "fr"
    assert world.account.set_locale(user.id, "en").locale == "en"
    assert world.users.users[user.id].locale == "en"


def test_a_deleted_users_token_reads_no_account(world: World) -> None:
    user = world.add_user("GONE")
    world.users.delete(user.id)
    with pytest.raises(InvalidTokenError):
        world.account.me(user.id)
    with pytest.raises(InvalidTokenError):
        world.account.set_locale(user.id, "en")


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(world: World) -> None:
    user = world.add_user("PWD1")
    here, there = (world.auth.login("PWD1", PASSWORD, IP) for _ in range(2))
    world.clock.now += 1
    world.account.change_password(user.id, session_id(world, here), PASSWORD, "nouveau-123", IP)
    world.auth.validate(here.tokens.access_token)
    with pytest.raises(TokenRevokedError):
        world.auth.validate(there.tokens.access_token)
    with pytest.raises(InvalidCredentialsError):
        world.auth.login("PWD1", PASSWORD, IP)
    world.auth.login("PWD1", "nouveau-123", IP)
    kinds = [(e.kind, e.actor_id) for e in world.audit_log.events]
    assert ("password_changed", user.id) in kinds


def test_a_wrong_current_password_changes_nothing_and_is_audited(world: World) -> None:
    user = world.add_user("PWD2")
    with pytest.raises(InvalidCurrentPasswordError):
        world.account.change_password(user.id, None, "wrong", "nouveau-123", IP)
    world.auth.login("PWD2", PASSWORD, IP)  # unchanged
    refused = [e for e in world.audit_log.events if e.kind == "password_refused"]
    assert [(e.user_id, e.ip, e.detail) for e in refused] == [(user.id, IP, "wrong_password")]


def test_guessing_the_current_password_backs_off_like_failed_logins(world: World) -> None:
    user = world.add_user("PWD3")
    for _ in range(4):  # the world's 3 free failures, then one that starts the back-off
        with pytest.raises(InvalidCurrentPasswordError):
            world.account.change_password(user.id, None, "guess", "nouveau-123", IP)
    with pytest.raises(RateLimitedError):  # even the right one, until the wait is over
        world.account.change_password(user.id, None, PASSWORD, "nouveau-123", IP)
    world.auth.login("PWD3", PASSWORD, IP)  # logins are another pair: not held up
    world.clock.now += 2
    world.account.change_password(user.id, None, PASSWORD, "nouveau-123", IP)
