"""Refresh-token state, login rate limits and second-factor challenges against the real Redis,
isolated by key prefix."""

from __future__ import annotations

import threading

import redis

from services.auth_user.application.ports import Rotation
from services.auth_user.infrastructure.redis_mfa import RedisMfaChallenges
from services.auth_user.infrastructure.redis_ratelimit import RedisRateLimiter
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


def test_rate_limiter_allows_the_limit_then_reports_the_wait(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    limiter = RedisRateLimiter(redis_client, prefix=key_prefix)
    assert [limiter.hit("login:ip:1", 3, 60) for _ in range(3)] == [0, 0, 0]
    wait = limiter.hit("login:ip:1", 3, 60)
    assert 55 <= wait <= 60
    assert limiter.key("login:ip:1").startswith(key_prefix)
    assert 55 <= redis_client.ttl(limiter.key("login:ip:1")) <= 60


def test_rate_limiter_counts_keys_separately_and_reset_clears_one(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    limiter = RedisRateLimiter(redis_client, prefix=key_prefix)
    limiter.hit("a", 1, 60)
    assert limiter.hit("a", 1, 60) > 0
    assert limiter.hit("b", 1, 60) == 0
    limiter.reset("a")
    assert limiter.hit("a", 1, 60) == 0


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
