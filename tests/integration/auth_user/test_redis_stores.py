"""Refresh-token state and login rate limits against the real Redis, isolated by key prefix."""

from __future__ import annotations

import threading

import redis

from services.auth_user.application.ports import Rotation
from services.auth_user.domain.model import LoginLimits
from services.auth_user.infrastructure.redis_login_throttle import RedisLoginThrottle
from services.auth_user.infrastructure.redis_mfa import RedisMfaChallenges
from services.auth_user.infrastructure.redis_tokens import RedisRefreshTokenStore


def tokens(client: redis.Redis, prefix: str) -> RedisRefreshTokenStore:
    return RedisRefreshTokenStore(client, prefix=prefix)


def test_a_session_keeps_only_its_current_token_for_the_token_life(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    store = tokens(redis_client, key_prefix)
    store.start("fam", "jti-1", ttl=120)
    assert store.family_key("fam").startswith(key_prefix)
    assert store.rotate("fam", "jti-1", "jti-2", ttl=120) is Rotation.OK
    assert redis_client.get(store.family_key("fam")) == b"jti-2"
    assert 110 <= redis_client.ttl(store.family_key("fam")) <= 120


def test_presenting_an_older_token_is_reuse_and_ends_the_session(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    store = tokens(redis_client, key_prefix)
    store.start("fam", "jti-1", ttl=120)
    store.rotate("fam", "jti-1", "jti-2", ttl=120)
    assert store.rotate("fam", "jti-1", "jti-x", ttl=120) is Rotation.REUSED
    assert store.rotate("fam", "jti-2", "jti-3", ttl=120) is Rotation.REVOKED


def test_unknown_or_revoked_sessions_fail_closed_and_others_stay_usable(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    store = tokens(redis_client, key_prefix)
    store.start("fam-a", "jti-a", ttl=60)
    store.start("fam-b", "jti-b", ttl=60)
    store.revoke_family("fam-a")
    assert store.rotate("fam-a", "jti-a", "n1", ttl=60) is Rotation.REVOKED
    assert store.rotate("never-started", "jti", "n2", ttl=60) is Rotation.REVOKED
    assert store.rotate("fam-b", "jti-b", "n3", ttl=60) is Rotation.OK


def test_concurrent_uses_of_one_token_let_exactly_one_win(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    store = tokens(redis_client, key_prefix)
    store.start("fam", "jti-race", ttl=60)
    outcomes: list[Rotation] = []
    barrier = threading.Barrier(8)

    def use() -> None:
        barrier.wait()
        outcomes.append(store.rotate("fam", "jti-race", f"next-{threading.get_ident()}", ttl=60))

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count(Rotation.OK) == 1
    assert set(outcomes) - {Rotation.OK} <= {Rotation.REUSED, Rotation.REVOKED}


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


LIMITS = LoginLimits(free_failures=2, backoff_base=2, backoff_max=8, forget_after=60, per_ip=50)


def test_login_throttle_backs_a_pair_off_exponentially_and_a_success_clears_it(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    clock = Clock()
    throttle = RedisLoginThrottle(redis_client, LIMITS, prefix=key_prefix, clock=clock)
    waits = []
    for _ in range(6):
        throttle.failed("MAT1", "10.0.0.1")
        waits.append(throttle.wait("MAT1", "10.0.0.1"))
    assert waits == [0, 0, 2, 4, 8, 8]
    assert throttle.wait("MAT1", "10.0.0.2") == 0  # the same matricule from elsewhere
    assert throttle.wait("MAT2", "10.0.0.1") == 0  # another matricule from here
    clock.now += 8
    assert throttle.wait("MAT1", "10.0.0.1") == 0
    throttle.succeeded("MAT1", "10.0.0.1")
    throttle.failed("MAT1", "10.0.0.1")
    assert throttle.wait("MAT1", "10.0.0.1") == 0  # counting starts again
    pair = f"{key_prefix}login:pair:10.0.0.1:MAT1"
    assert 0 < redis_client.ttl(pair) <= 60  # forgotten a while after the last failure


def test_login_throttle_holds_an_ip_for_the_rest_of_its_window_after_many_failures(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    limits = LoginLimits(per_ip=5, window_seconds=300)
    throttle = RedisLoginThrottle(redis_client, limits, prefix=key_prefix, clock=Clock())
    for n in range(5):
        assert throttle.wait(f"M{n}", "10.0.0.9") == 0
        throttle.failed(f"M{n}", "10.0.0.9")
    assert 290 < throttle.wait("ANYONE", "10.0.0.9") <= 300
    assert throttle.wait("ANYONE", "10.0.0.8") == 0


def test_an_mfa_challenge_names_its_user_counts_wrong_codes_and_expires(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    challenges = RedisMfaChallenges(redis_client, prefix=key_prefix)
    token = challenges.create("a" * 24, ttl=300)
    assert len(token) >= 40 and challenges.user_of(token) == "a" * 24
    assert 290 <= redis_client.ttl(f"{key_prefix}auth:mfa:{token}") <= 300
    assert (challenges.failed(token), challenges.failed(token)) == (1, 2)
    challenges.drop(token)
    assert challenges.user_of(token) is None
    assert challenges.user_of("") is None and challenges.user_of("x" * 500) is None
    assert challenges.create("a" * 24, ttl=300) != token
