"""One contract suite for UserCache, run against the real Redis server and against fakeredis."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import fakeredis
import pytest
import redis

from bench.roundtrips import RoundTrips, counting_client
from libs.usercache import HASH_FIELDS, CachedUser, UserCache, UserCacheError

PROFILE = {
    "id": "507f1f77bcf86cd799439011",
    "nom": "Dupont",
    "prenom": "Jean",
    "profile_pic": "https://example.com/avatar.jpg",
    "matricule": "MAT12345",
    "ministere": "Ministère X",
    "sexe": "M",
}


def profile(n: int) -> dict[str, str]:
    return {**PROFILE, "id": f"user{n}", "matricule": f"MAT{n}", "nom": f"Nom{n}"}


@pytest.fixture(params=["redis", "fakeredis"])
def client(request: pytest.FixtureRequest, redis_url: str) -> redis.Redis:
    if request.param == "redis":
        return counting_client(redis_url)
    return fakeredis.FakeRedis()


@pytest.fixture
def cache(client: redis.Redis, key_prefix: str) -> Iterator[UserCache]:
    yield UserCache(client, prefix=f"{key_prefix}user:profile:")


def test_set_then_get_returns_the_profile_with_full_name(cache: UserCache) -> None:
    cache.set(PROFILE)
    user = cache.get(PROFILE["id"])
    assert user is not None
    assert user.full_name == "Jean Dupont"
    assert user.avatar == "https://example.com/avatar.jpg"
    assert (user.matricule, user.ministere, user.sexe) == ("MAT12345", "Ministère X", "M")


def test_hash_has_exactly_the_documented_fields_and_seven_day_ttl(
    cache: UserCache, client: redis.Redis
) -> None:
    cache.set(PROFILE)
    key = cache.key(PROFILE["id"])
    assert sorted(k.decode() for k in client.hkeys(key)) == sorted(HASH_FIELDS)
    assert 604_700 < client.ttl(key) <= 604_800


def test_custom_ttl_is_applied(client: redis.Redis, key_prefix: str) -> None:
    cache = UserCache(client, prefix=key_prefix, ttl=60)
    cache.set(PROFILE)
    assert 0 < client.ttl(cache.key(PROFILE["id"])) <= 60


def test_miss_is_none_never_a_placeholder(cache: UserCache) -> None:
    assert cache.get("nobody") is None
    assert cache.get_many(["nobody", "nobody-else"]) == {}


def test_get_many_returns_hits_only_handling_duplicates_and_order(cache: UserCache) -> None:
    cache.set_many([profile(1), profile(2), profile(3)])
    found = cache.get_many(["user3", "missing", "user1", "user3", ""])
    assert set(found) == {"user1", "user3"}
    assert found["user3"].full_name == "Jean Nom3"


def test_hits_and_misses_are_counted(cache: UserCache) -> None:
    cache.set(profile(1))
    cache.get_many(["user1", "user2", "user1"])
    assert cache.stats() == {"hits": 1, "misses": 1, "errors": 0}


def test_delete_removes_entries(cache: UserCache) -> None:
    cache.set_many([profile(1), profile(2)])
    assert cache.delete("user1", "user2", "user9") == 2
    assert cache.get_many(["user1", "user2"]) == {}


def test_profile_without_nom_keeps_given_name_or_unknown(cache: UserCache) -> None:
    cache.set({"id": "u1", "name": "Service Courrier"})
    cache.set({"id": "u2"})
    assert cache.get("u1").full_name == "Service Courrier"  # type: ignore[union-attr]
    assert cache.get("u2").full_name == "Utilisateur inconnu"  # type: ignore[union-attr]
    assert cache.get("u2").matricule == "u2"  # type: ignore[union-attr]


def test_round_trip_counts_on_real_redis(redis_url: str, key_prefix: str) -> None:
    cache = UserCache(counting_client(redis_url), prefix=key_prefix)
    cache.set(profile(0))  # opens the connection
    with RoundTrips() as set_one:
        cache.set(profile(1))
    cache.set_many([profile(n) for n in range(100)])
    with RoundTrips() as get_many:
        found = cache.get_many([f"user{n}" for n in range(100)] + ["absent"])
    with RoundTrips() as set_many:
        cache.set_many([profile(n) for n in range(50)])
    assert (set_one.count, get_many.count, set_many.count) == (1, 1, 1)
    assert len(found) == 100


def test_cached_user_round_trips_through_the_hash() -> None:
    user = CachedUser.from_profile(PROFILE)
    assert CachedUser.from_hash(user.to_hash()) == user
    assert CachedUser.from_hash({k.encode(): v.encode() for k, v in user.to_hash().items()}) == user


DEAD_REDIS = "redis://127.0.0.1:1/0"


def test_suppress_policy_behaves_as_miss_and_logs_once(caplog: pytest.LogCaptureFixture) -> None:
    cache = UserCache(redis.Redis.from_url(DEAD_REDIS, socket_connect_timeout=0.2))
    with caplog.at_level(logging.WARNING, logger="libs.usercache.cache"):
        assert cache.get("u1") is None
        assert cache.get_many(["u1", "u2"]) == {}
        cache.set(PROFILE)
        assert cache.delete("u1") == 0
    assert len([r for r in caplog.records if "unavailable" in r.message]) == 1
    assert cache.stats()["errors"] == 4
    assert cache.stats()["misses"] == 3


def test_raise_policy_raises_usercache_error() -> None:
    cache = UserCache(
        redis.Redis.from_url(DEAD_REDIS, socket_connect_timeout=0.2), on_error="raise"
    )
    with pytest.raises(UserCacheError):
        cache.get("u1")
    with pytest.raises(UserCacheError):
        cache.set(PROFILE)


def test_profile_without_id_is_refused(cache: UserCache) -> None:
    with pytest.raises(ValueError, match="id"):
        cache.set({"nom": "Sans Id"})
