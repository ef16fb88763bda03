"""RedisRevocations + RevocationListener against the real Redis (unique key prefix)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import redis

from libs.sessions import RedisRevocations, Revocation, RevocationListener, RevocationMirror
from libs.sessions.redis_revocations import parse
from tests.support.waiting import wait_until


def thread(fn: Callable[[], None]) -> None:
    threading.Thread(target=fn, daemon=True).start()


def follow(client: redis.Redis, prefix: str) -> tuple[RevocationMirror, RedisRevocations]:
    mirror, log = RevocationMirror(), RedisRevocations(client, prefix=prefix)
    RevocationListener(client, log, mirror, spawn=thread).start()
    wait_until(lambda: mirror.fresh, 5)
    return mirror, log


def test_a_revocation_reaches_every_listening_process(
    redis_client: redis.Redis, redis_url: str, key_prefix: str
) -> None:
    first, log = follow(redis_client, key_prefix)
    second, _ = follow(redis.Redis.from_url(redis_url), key_prefix)  # another connection pool
    heard: list[Revocation] = []
    second.subscribe(heard.append)
    revocation = log.revoke_session("s1", "logout")
    for mirror in (first, second):
        wait_until(lambda m=mirror: m.check("u1", "s1", 1) == "revoked", 2)  # type: ignore[misc]
    assert heard == [revocation]


def test_a_listener_started_later_loads_what_was_revoked_before(
    redis_client: redis.Redis, key_prefix: str
) -> None:
    log = RedisRevocations(redis_client, prefix=key_prefix)
    user = log.revoke_user("u1", "deactivated")
    log.revoke_session("s9", "logout")
    mirror, _ = follow(redis_client, key_prefix)
    assert mirror.check("u1", "s1", user.at_ms) == "revoked"
    assert mirror.check("u1", "s1", user.at_ms + 1) == "valid"
    assert mirror.check("u2", "s9", 1) == "revoked"
    assert log.load() == ({"u1": user.at_ms}, {"s9": log.load()[1]["s9"]})


def test_old_watermarks_are_pruned_on_write(redis_client: redis.Redis, key_prefix: str) -> None:
    now = [1_800_000_000.0]
    log = RedisRevocations(
        redis_client, prefix=key_prefix, retention_seconds=60, clock=lambda: now[0]
    )
    log.revoke_session("old", "logout")
    now[0] += 61
    log.revoke_session("new", "logout")
    assert set(log.load()[1]) == {"new"}


def test_foreign_messages_on_the_channel_are_ignored() -> None:
    assert parse(b"not json") is None
    assert parse(b'{"kind": "group", "id": "x", "at": 1}') is None
    assert parse(b'{"kind": "user", "id": "u1"}') is None
    assert parse(b'{"kind": "user", "id": "u1", "at": 5, "reason": "r"}') == Revocation(
        "user", "u1", 5, "r"
    )
