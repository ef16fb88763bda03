"""UserDirectory with a fake cache and a fake auth_user: the cache → HTTP → warm path."""

from __future__ import annotations

import threading

from libs.usercache import UNKNOWN_USER_NAME, CachedUser
from services.chat_file.users.application.breaker import CircuitBreaker
from services.chat_file.users.application.directory import UserDirectory

from ..fakes import FakeProfileCache, FakeProfileSource, profile


def make(users: list[str] | None = None, **kwargs):
    cache = FakeProfileCache()
    source = FakeProfileSource({u: profile(u, nom=u.upper()) for u in users or []})
    return UserDirectory(cache, source, **kwargs), cache, source


def test_cache_hits_make_no_http_call() -> None:
    directory, cache, source = make()
    cache.data["a"] = CachedUser.from_profile(profile("a", "Ana", "Bela"))
    assert directory.resolve("a")["name"] == "Ana Bela"
    assert source.calls == [] and cache.reads == 1


def test_many_misses_are_one_http_call_and_one_warming_write() -> None:
    ids = [f"u{n}" for n in range(100)]
    directory, cache, source = make(ids)
    result = directory.resolve_many(ids)
    assert [r["userId"] for r in result] == ids
    assert source.calls == [ids]
    assert (cache.reads, cache.writes) == (1, 1)
    assert set(cache.data) == set(ids)
    directory.resolve_many(ids)
    assert len(source.calls) == 1  # warm now


def test_results_keep_caller_order_with_duplicates_and_mixed_hits() -> None:
    directory, cache, _ = make(["b", "c"])
    cache.data["a"] = CachedUser.from_profile(profile("a"))
    result = directory.resolve_many(["c", "a", "c", "zz", "b"])
    assert [r["userId"] for r in result] == ["c", "a", "c", "zz", "b"]
    assert result[3]["name"] == UNKNOWN_USER_NAME and result[3]["avatar"] is None


def test_unknown_ids_are_not_cached_as_users_but_remembered_briefly() -> None:
    directory, cache, source = make([])
    assert directory.resolve("ghost")["name"] == UNKNOWN_USER_NAME
    assert "ghost" not in cache.data
    directory.resolve("ghost")
    assert len(source.calls) == 1  # negative cache in process
    assert directory.is_unknown("ghost")
    assert directory.stats()["unknown"] == 1


def test_failures_answer_the_fallback_and_are_retried_next_time() -> None:
    directory, cache, source = make(["a"])
    source.failing = True
    assert directory.resolve("a")["name"] == UNKNOWN_USER_NAME
    assert not directory.is_unknown("a")  # a failure is not "does not exist"
    source.failing = False
    assert directory.resolve("a")["name"] == "Jean A"
    assert directory.stats()["fallbacks"] >= 1 and "a" in cache.data


def test_breaker_stops_calls_and_probes_after_cool_down() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=2, reset_seconds=5, clock=lambda: now[0])
    directory, _, source = make(["a"], breaker=breaker)
    source.failing = True
    directory.resolve("a")
    directory.resolve("a")
    assert directory.stats()["breaker_state"] == "open"
    calls = len(source.calls)
    for _ in range(10):
        assert directory.resolve("a")["name"] == UNKNOWN_USER_NAME
    assert len(source.calls) == calls  # open: answered without calling
    source.failing = False
    now[0] = 6.0
    assert directory.resolve("a")["name"] == "Jean A"
    assert directory.stats()["breaker_state"] == "closed"


def test_redis_down_falls_back_to_http() -> None:
    directory, cache, source = make(["a"])
    cache.down = True
    assert directory.resolve("a")["name"] == "Jean A"
    assert len(source.calls) == 1


def test_concurrent_lookups_of_one_missing_id_share_one_call() -> None:
    directory, _, source = make(["a"])
    source.delay = 0.2
    barrier = threading.Barrier(50)
    names: list[str] = []

    def lookup() -> None:
        barrier.wait()
        names.append(directory.resolve("a")["name"])

    threads = [threading.Thread(target=lookup) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert names == ["Jean A"] * 50
    assert len(source.calls) == 1
    assert directory.stats()["shared"] >= 1


def test_invalidate_drops_the_cached_profile() -> None:
    directory, cache, _ = make(["a"])
    directory.resolve("a")
    directory.invalidate("a")
    assert "a" not in cache.data


def test_stats_count_hits_misses_and_calls() -> None:
    directory, cache, _ = make(["b"])
    cache.data["a"] = CachedUser.from_profile(profile("a"))
    directory.resolve_many(["a", "b"])
    stats = directory.stats()
    assert (stats["hits"], stats["misses"], stats["http_calls"]) == (1, 1, 1)


def test_auth_user_iso_dates_do_not_make_a_user_unknown() -> None:
    directory, cache, source = make(["a"])
    source.users["a"] = {**profile("a"), "updatedAt": "2026-11-27T07:48:16.015000+00:00"}
    assert directory.resolve("a")["name"] == "Jean Dupont"
    assert "a" in cache.data
