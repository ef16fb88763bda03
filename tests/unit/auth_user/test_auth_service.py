from __future__ import annotations

import pytest

from services.auth_user.domain.errors import (
    CsrfError,
    InvalidCredentialsError,
    InvalidTokenError,
    RateLimitedError,
    RefreshTokenReusedError,
    RefreshTokenRevokedError,
    TokenExpiredError,
)
from services.auth_user.domain.model import LoginLimits, TokenType

from .conftest import PASSWORD, World

IP = "10.0.0.1"


def test_login_returns_the_user_and_a_token_pair_of_one_new_family(world: World) -> None:
    user = world.add_user("MAT1")
    session = world.auth.login("MAT1", PASSWORD, IP)
    assert session.user == user
    access = world.tokens.decode(session.tokens.access_token, TokenType.ACCESS)
    refresh = world.tokens.decode(session.tokens.refresh_token, TokenType.REFRESH)
    assert (access.user_id, access.matricule) == (user.id, "MAT1")
    assert refresh.family


def test_login_warms_the_shared_cache_entry(world: World) -> None:
    user = world.add_user("MAT1")
    world.auth.login("MAT1", PASSWORD, IP)
    assert world.cache.profiles[user.id]["matricule"] == "MAT1"
    assert "password_hash" not in world.cache.profiles[user.id]


def test_wrong_password_and_unknown_matricule_fail_the_same_way(world: World) -> None:
    world.add_user("MAT1")
    with pytest.raises(InvalidCredentialsError) as wrong:
        world.auth.login("MAT1", "bad-password", IP)
    with pytest.raises(InvalidCredentialsError) as unknown:
        world.auth.login("NOBODY", PASSWORD, IP)
    assert (wrong.value.code, wrong.value.message) == (unknown.value.code, unknown.value.message)


def test_unknown_matricule_still_verifies_a_hash_to_equalise_timing(world: World) -> None:
    before = world.hasher.verifications
    with pytest.raises(InvalidCredentialsError):
        world.auth.login("NOBODY", PASSWORD, IP)
    assert world.hasher.verifications == before + 1


def test_failed_logins_leave_no_cache_entry(world: World) -> None:
    world.add_user("MAT1")
    with pytest.raises(InvalidCredentialsError):
        world.auth.login("MAT1", "bad-password", IP)
    assert world.cache.profiles == {}


def fail(world: World, matricule: str = "MAT1", ip: str = IP) -> None:
    with pytest.raises(InvalidCredentialsError):
        world.auth.login(matricule, "bad-password", ip)


def refused_for(world: World, matricule: str = "MAT1", ip: str = IP) -> int:
    with pytest.raises(RateLimitedError) as limited:
        world.auth.login(matricule, PASSWORD, ip)
    assert limited.value.details["retry_after"] == limited.value.retry_after
    return limited.value.retry_after


def test_failures_past_the_free_ones_back_off_exponentially(world: World) -> None:
    world.add_user("MAT1")  # 3 free failures, then 2 s, 4 s, 8 s... (conftest's limits)
    for _ in range(3):
        fail(world)
    fail(world)
    assert refused_for(world) == 2
    world.clock.now += 2
    fail(world)
    assert refused_for(world) == 4
    world.clock.now += 4
    world.auth.login("MAT1", PASSWORD, IP)


def test_the_back_off_doubles_from_its_base_up_to_its_cap() -> None:
    limits = LoginLimits(free_failures=2, backoff_base=1.5, backoff_max=100)
    assert [limits.backoff(n) for n in range(1, 10)] == [0, 0, 1.5, 3, 6, 12, 24, 48, 96]
    assert limits.backoff(10) == limits.backoff(10_000) == 100


def test_the_owner_logging_in_from_elsewhere_is_not_held_up_by_someone_elses_guesses(
    world: World,
) -> None:
    world.add_user("MAT1")
    for _ in range(4):
        fail(world, ip="198.51.100.7")
    assert refused_for(world, ip="198.51.100.7") > 0
    assert world.auth.login("MAT1", PASSWORD, "10.0.0.2").user.matricule == "MAT1"


def test_successful_logins_are_never_counted(world: World) -> None:
    world.add_user("MAT1")
    for _ in range(20):
        world.auth.login("MAT1", PASSWORD, IP)


def test_a_success_clears_the_pairs_failures(world: World) -> None:
    world.add_user("MAT1")
    for _ in range(3):
        fail(world)
    world.auth.login("MAT1", PASSWORD, IP)
    for _ in range(3):
        fail(world)
    world.auth.login("MAT1", PASSWORD, IP)


def test_spraying_many_matricules_from_one_ip_is_refused_there_only(world: World) -> None:
    for n in range(10):
        fail(world, f"NOBODY{n}")
    assert 0 < refused_for(world, "OTHER") <= 300
    fail(world, "OTHER", "10.0.0.2")


def test_refresh_rotates_within_the_same_family(world: World) -> None:
    world.add_user("MAT1")
    first = world.auth.login("MAT1", PASSWORD, IP).tokens
    second = world.auth.refresh(first.refresh_token).tokens
    old = world.tokens.decode(first.refresh_token, TokenType.REFRESH)
    new = world.tokens.decode(second.refresh_token, TokenType.REFRESH)
    assert new.family == old.family and new.jti != old.jti
    assert second.access_token != first.access_token


def test_login_records_the_session_and_refresh_swaps_its_current_token(world: World) -> None:
    world.add_user("MAT1")
    refresh = world.auth.login("MAT1", PASSWORD, IP).tokens.refresh_token
    claims = world.tokens.decode(refresh, TokenType.REFRESH)
    assert world.refresh_tokens.current == {claims.family: claims.jti}
    world.clock.now += 100
    rotated = world.auth.refresh(refresh).tokens.refresh_token
    new = world.tokens.decode(rotated, TokenType.REFRESH)
    assert world.refresh_tokens.current == {claims.family: new.jti}


def test_a_session_the_store_does_not_know_is_refused(world: World) -> None:
    world.add_user("MAT1")
    refresh = world.auth.login("MAT1", PASSWORD, IP).tokens.refresh_token
    world.refresh_tokens.current.clear()  # logged out elsewhere, expired, or Redis lost it
    with pytest.raises(RefreshTokenRevokedError):
        world.auth.refresh(refresh)


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(world: World) -> None:
    world.add_user("MAT1")
    first = world.auth.login("MAT1", PASSWORD, IP).tokens
    second = world.auth.refresh(first.refresh_token).tokens
    with pytest.raises(RefreshTokenReusedError):
        world.auth.refresh(first.refresh_token)
    with pytest.raises(RefreshTokenRevokedError):
        world.auth.refresh(second.refresh_token)


def test_other_sessions_survive_a_revoked_family(world: World) -> None:
    world.add_user("MAT1")
    phone = world.auth.login("MAT1", PASSWORD, IP).tokens
    laptop = world.auth.login("MAT1", PASSWORD, IP).tokens
    world.auth.logout(phone.refresh_token)
    with pytest.raises(RefreshTokenRevokedError):
        world.auth.refresh(phone.refresh_token)
    assert world.auth.refresh(laptop.refresh_token).user.matricule == "MAT1"


def test_an_access_token_is_refused_as_a_refresh_token(world: World) -> None:
    world.add_user("MAT1")
    tokens = world.auth.login("MAT1", PASSWORD, IP).tokens
    with pytest.raises(InvalidTokenError):
        world.auth.refresh(tokens.access_token)


def test_a_refresh_token_is_refused_by_validate(world: World) -> None:
    world.add_user("MAT1")
    tokens = world.auth.login("MAT1", PASSWORD, IP).tokens
    with pytest.raises(InvalidTokenError):
        world.auth.validate(tokens.refresh_token)


def test_an_expired_refresh_token_is_refused_and_not_recorded(world: World) -> None:
    world.add_user("MAT1")
    refresh = world.auth.login("MAT1", PASSWORD, IP).tokens.refresh_token
    world.clock.now += 3601
    before = dict(world.refresh_tokens.current)
    with pytest.raises(TokenExpiredError):
        world.auth.refresh(refresh)
    assert world.refresh_tokens.current == before


def test_refresh_with_a_wrong_csrf_value_is_refused_before_rotation(world: World) -> None:
    world.add_user("MAT1")
    refresh = world.auth.login("MAT1", PASSWORD, IP).tokens.refresh_token
    before = dict(world.refresh_tokens.current)
    with pytest.raises(CsrfError):
        world.auth.refresh(refresh, csrf="forged")
    assert world.refresh_tokens.current == before


def test_refresh_of_a_deleted_user_is_refused(world: World) -> None:
    user = world.add_user("MAT1")
    refresh = world.auth.login("MAT1", PASSWORD, IP).tokens.refresh_token
    world.users.delete(user.id)
    with pytest.raises(InvalidTokenError):
        world.auth.refresh(refresh)


def test_logout_revokes_the_family_and_reports_it(world: World) -> None:
    world.add_user("MAT1")
    refresh = world.auth.login("MAT1", PASSWORD, IP).tokens.refresh_token
    assert world.auth.logout(refresh) is True
    family = world.tokens.decode(refresh, TokenType.REFRESH).family
    assert family not in world.refresh_tokens.current


def test_logout_without_a_usable_token_revokes_nothing(world: World) -> None:
    world.add_user("MAT1")
    world.auth.login("MAT1", PASSWORD, IP)
    before = dict(world.refresh_tokens.current)
    assert world.auth.logout(None) is False
    assert world.auth.logout("garbage") is False
    assert world.refresh_tokens.current == before


def test_validate_returns_the_access_token_claims(world: World) -> None:
    user = world.add_user("MAT1")
    access = world.auth.login("MAT1", PASSWORD, IP).tokens.access_token
    claims = world.auth.validate(access)
    assert (claims.user_id, claims.matricule) == (user.id, "MAT1")
    assert claims.exp == int(world.clock.now) + 900
