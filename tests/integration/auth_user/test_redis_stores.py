"""Refresh-token state and login rate limits against the real Redis, isolated by key prefix."""

from __future__ import annotations

import threading

import redis

from services.auth_user.application.ports import Rotation
from services.auth_user.infrastructure.redis_ratelimit import RedisRateLimiter
from services.auth_user.infrastructure.redis_tokens import RedisRefreshTokenStore


def tokens(client: redis.Redis, prefix: str) -> RedisRefreshTokenStore:
    return RedisRefreshTokenStore(client, prefix=prefix, family_ttl=3600)


def test_first_use_of_a_refresh_token_wins_and_is_kept_for_its_remaining_life(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    store = tokens(redis_client, key_prefix)
    assert store.consume("jti-1", "fam", ttl=120) is Rotation.OK
    assert store.used_key("jti-1").startswith(key_prefix)
    assert 110 <= redis_client.ttl(store.used_key("jti-1")) <= 120


def test_second_use_reports_reuse_and_revokes_the_family(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    store = tokens(redis_client, key_prefix)
    store.consume("jti-1", "fam", ttl=120)
    assert store.consume("jti-1", "fam", ttl=120) is Rotation.REUSED
    assert 3590 <= redis_client.ttl(store.family_key("fam")) <= 3600
    assert store.consume("jti-2", "fam", ttl=120) is Rotation.REVOKED


def test_revoking_one_family_leaves_others_usable(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    store = tokens(redis_client, key_prefix)
    store.revoke_family("fam-a")
    assert store.consume("jti-1", "fam-a", ttl=60) is Rotation.REVOKED
    assert store.consume("jti-2", "fam-b", ttl=60) is Rotation.OK


def test_concurrent_uses_of_one_token_let_exactly_one_win(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    store = tokens(redis_client, key_prefix)
    outcomes: list[Rotation] = []
    barrier = threading.Barrier(8)

    def use() -> None:
        barrier.wait()
        outcomes.append(store.consume("jti-race", "fam", ttl=60))

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
