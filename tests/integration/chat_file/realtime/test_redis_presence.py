"""RedisPresence against the real Redis server (keys under the test's key_prefix)."""

from __future__ import annotations

import threading

import pytest
import redis

from services.chat_file.realtime.adapters.presence import RedisPresence


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def presence(redis_client: redis.Redis, key_prefix: str, clock: Clock) -> RedisPresence:
    return RedisPresence(redis_client, prefix=key_prefix, ttl=60, clock=clock)


def test_first_device_counts_one_and_second_counts_two(presence: RedisPresence) -> None:
    assert presence.device_connected("u1", "sid-a") == 1
    assert presence.device_connected("u1", "sid-b") == 2
    assert presence.device_connected("u2", "sid-c") == 1


def test_reconnecting_the_same_device_is_not_a_second_device(presence: RedisPresence) -> None:
    presence.device_connected("u1", "sid-a")
    assert presence.device_connected("u1", "sid-a") == 1


def test_last_device_leaving_counts_zero(presence: RedisPresence) -> None:
    presence.device_connected("u1", "sid-a")
    presence.device_connected("u1", "sid-b")
    assert presence.device_disconnected("u1", "sid-a") == 1
    assert presence.device_disconnected("u1", "sid-b") == 0


def test_devices_of_a_dead_process_stop_counting_after_ttl(
    presence: RedisPresence, clock: Clock
) -> None:
    presence.device_connected("u1", "dead-process-sid")
    clock.now += 61
    assert presence.device_connected("u1", "sid-new") == 1
    assert presence.device_disconnected("u1", "sid-new") == 0


def test_refresh_keeps_live_devices_counting(presence: RedisPresence, clock: Clock) -> None:
    presence.device_connected("u1", "sid-a")
    presence.device_connected("u2", "sid-b")
    clock.now += 50
    presence.refresh([("u1", "sid-a")])
    clock.now += 20
    assert presence.device_connected("u1", "sid-c") == 2  # sid-a refreshed: still counts
    assert presence.device_connected("u2", "sid-d") == 1  # sid-b was not: expired


def test_refresh_does_not_resurrect_a_disconnected_device(presence: RedisPresence) -> None:
    presence.device_connected("u1", "sid-a")
    presence.device_disconnected("u1", "sid-a")
    presence.refresh([("u1", "sid-a")])
    assert presence.device_connected("u1", "sid-b") == 1


def test_keys_live_under_the_prefix_and_expire(
    presence: RedisPresence, redis_client: redis.Redis, key_prefix: str
) -> None:
    presence.device_connected("u1", "sid-a")
    keys = [k.decode() for k in redis_client.scan_iter(match=f"{key_prefix}*")]
    assert keys == [f"{key_prefix}presence:devices:u1"]
    assert 0 < redis_client.ttl(keys[0]) <= 60


def test_concurrent_first_connections_produce_exactly_one_first_device(
    redis_url: str, key_prefix: str
) -> None:
    counts: list[int] = []

    def connect(n: int) -> None:
        store = RedisPresence(redis.Redis.from_url(redis_url), prefix=key_prefix)
        counts.append(store.device_connected("u1", f"sid-{n}"))

    threads = [threading.Thread(target=connect, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(counts) == list(range(1, 9))


def test_online_reads_live_devices_of_many_users_in_one_round_trip(
    presence: RedisPresence, clock: Clock
) -> None:
    presence.device_connected("u1", "sid-a")
    presence.device_connected("u2", "sid-b")
    presence.device_disconnected("u2", "sid-b")
    assert presence.online(["u1", "u2", "u3", "u1"]) == {"u1"}
    clock.now += 61  # the process holding u1's device died without saying goodbye
    assert presence.online(["u1"]) == set()
    assert presence.online([]) == set()


def test_touch_records_activity_and_clears_the_idle_flag(
    presence: RedisPresence, redis_client: redis.Redis, key_prefix: str
) -> None:
    assert presence.touch("u1", 1000.5) is False
    assert presence.last_seen(["u1", "u2"]) == {"u1": 1000.5}
    assert presence.mark_idle(["u1", "u2"]) == ["u1", "u2"]
    assert presence.mark_idle(["u1"]) == []  # announced once, whichever process asks
    assert presence.touch("u1", 1001.0) is True
    assert presence.touch("u1", 1002.0) is False
    for key in (f"{key_prefix}presence:seen:u1", f"{key_prefix}presence:idle:u2"):
        assert redis_client.ttl(key) > 0


def test_states_read_online_idle_and_last_activity_in_one_round_trip(
    presence: RedisPresence,
) -> None:
    presence.device_connected("u1", "a")
    presence.touch("u1", 999.0)
    presence.device_connected("u2", "b")
    presence.mark_idle(["u2"])
    assert presence.states(["u1", "u2", "u3"]) == {
        "u1": (True, False, 999.0),
        "u2": (True, True, None),
        "u3": (False, False, None),
    }
    assert presence.states([]) == {}
