"""LocalProfiles, the in-process L1: bounds, TTL ceiling, and the in-flight rule."""

from __future__ import annotations

import pytest

from libs.usercache import CachedUser, LocalProfiles, local_profiles


def user(n: int) -> CachedUser:
    return CachedUser(id=f"u{n}", full_name=f"Agent {n}", matricule=f"M{n}")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def local(clock: Clock) -> LocalProfiles:
    profiles = LocalProfiles(max_size=3, ttl=10, clock=clock)
    profiles.active = True
    return profiles


def fill(local: LocalProfiles, *ns: int) -> None:
    local.store(local.begin(), {f"u{n}": user(n) for n in ns})
    local.end()


def test_the_least_recently_used_entry_goes_first(local: LocalProfiles) -> None:
    fill(local, 1, 2, 3)
    local.lookup(["u1"])  # u1 is now the most recent
    fill(local, 4)
    found, missing = local.lookup(["u1", "u2", "u3", "u4"])
    assert sorted(found) == ["u1", "u3", "u4"] and missing == ["u2"]
    assert len(local) == 3


def test_no_entry_is_served_after_the_ttl_ceiling(local: LocalProfiles, clock: Clock) -> None:
    fill(local, 1)
    clock.now += 9.9
    assert "u1" in local.lookup(["u1"])[0]
    clock.now += 0.2
    assert local.lookup(["u1"]) == ({}, ["u1"])


def test_nothing_is_served_or_kept_while_inactive(local: LocalProfiles) -> None:
    fill(local, 1)
    local.active = False
    assert local.lookup(["u1"]) == ({}, ["u1"])
    fill(local, 2)
    local.active = True
    assert "u2" not in local.lookup(["u2"])[0]


def test_a_read_started_before_an_invalidation_or_flush_is_not_kept(local: LocalProfiles) -> None:
    token = local.begin()
    local.invalidate(["u1"])
    local.store(token, {"u1": user(1), "u2": user(2)})
    local.end()
    assert sorted(local.lookup(["u1", "u2"])[0]) == ["u2"]
    token = local.begin()
    local.flush()
    local.store(token, {"u3": user(3)})
    local.end()
    assert local.lookup(["u3"])[0] == {}
    assert local.stats["invalidations"] == 1 and local.stats["flushes"] == 1


def test_settings_turn_it_off_and_bounds_must_be_positive() -> None:
    assert local_profiles(False, 10, 10) is None
    assert isinstance(local_profiles(True, 10, 10), LocalProfiles)
    with pytest.raises(ValueError):
        LocalProfiles(max_size=0)
