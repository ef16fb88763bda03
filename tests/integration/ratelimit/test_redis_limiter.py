"""The shared limiter on the real Redis: one budget per (action, user) for every process,
one round trip per check, and a local limit (not an open door) while Redis is down."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from libs.ratelimit import Decision, Rate, RateLimiter, RateTable
from tests.support.servers import free_port

TABLE = RateTable({"send": Rate(5, 1), "search": Rate(2, 60), "typing": None})


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


class CountingRedis(redis.Redis):
    commands = 0

    def execute_command(self, *args: Any, **options: Any) -> Any:
        self.commands += 1
        return super().execute_command(*args, **options)


def test_a_burst_is_allowed_then_refused_with_the_wait_then_allowed_again(
    redis_url: str, key_prefix: str
) -> None:
    clock = Clock()
    limiter = RateLimiter(redis.Redis.from_url(redis_url), TABLE, prefix=key_prefix, clock=clock)
    assert [limiter.check("send", "u1").allowed for _ in range(5)] == [True] * 5
    refused = limiter.check("send", "u1")
    assert (refused.allowed, refused.local) == (False, False)
    assert refused.retry_after == pytest.approx(0.2, abs=1e-3)
    assert refused.retry_after_seconds == 1
    clock.now += 0.2
    assert limiter.check("send", "u1").allowed
    assert not limiter.check("send", "u1").allowed


def test_budgets_are_per_action_and_per_user(redis_url: str, key_prefix: str) -> None:
    limiter = RateLimiter(redis.Redis.from_url(redis_url), TABLE, prefix=key_prefix, clock=Clock())
    for _ in range(2):
        assert limiter.check("search", "u1").allowed
    late = limiter.check("search", "u1")
    assert not late.allowed and late.retry_after == pytest.approx(30, abs=1e-3)
    assert limiter.check("search", "u2").allowed
    assert limiter.check("send", "u1").allowed
    assert all(limiter.check("typing", "u1").allowed for _ in range(100))  # off: no limit


def test_two_processes_share_one_budget_on_the_servers_clock(
    redis_url: str, key_prefix: str
) -> None:
    one, two = (
        RateLimiter(redis.Redis.from_url(redis_url), TABLE, prefix=key_prefix) for _ in range(2)
    )
    answers = [(one if i % 2 else two).check("search", "u1") for i in range(4)]
    assert [a.allowed for a in answers] == [True, True, False, False]
    assert 0 < answers[2].retry_after <= 60


def test_one_round_trip_per_check(redis_url: str, key_prefix: str) -> None:
    client = CountingRedis.from_url(redis_url)
    limiter = RateLimiter(client, TABLE, prefix=key_prefix)
    limiter.check("send", "warm-up")  # may load the script once
    client.commands = 0
    for _ in range(7):
        limiter.check("send", "u1")
    assert client.commands == 7


def test_while_redis_is_down_the_limit_holds_in_this_process_and_is_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    down = redis.Redis(port=free_port(), socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    limiter = RateLimiter(down, TABLE, clock=Clock(), recheck_every=60)
    seen: list[Decision] = []
    limiter.observe(seen.append)
    with caplog.at_level(logging.WARNING, logger="libs.ratelimit.limiter"):
        answers = [limiter.check("send", "u1") for _ in range(6)]
    assert [a.allowed for a in answers] == [True] * 5 + [False]
    assert all(a.local for a in answers) and seen == answers
    assert len([r for r in caplog.records if "this process only" in r.getMessage()]) == 1


def test_redis_is_tried_again_after_the_recheck_interval_and_shared_limits_resume(
    redis_url: str, key_prefix: str
) -> None:
    class Switchable(redis.Redis):
        broken = True

        def execute_command(self, *args: Any, **options: Any) -> Any:
            if self.broken:
                raise redis.ConnectionError("down")
            return super().execute_command(*args, **options)

    client = Switchable.from_url(redis_url)
    limiter = RateLimiter(client, TABLE, prefix=key_prefix, recheck_every=0)
    assert limiter.check("send", "u1").local
    client.broken = False
    assert not limiter.check("send", "u1").local
