"""UserCache figures: round trips per operation and get_many(100) against a raw pipeline.

`usercache_l1_get_many_100_vs_raw_pipeline`: the same 100 ids served warm from the in-process
L1, against the raw Redis pipeline, interleaved in the same run. The cross-process
invalidation delay comes from `bench.usercache_invalidation`.
"""

from __future__ import annotations

import os
import statistics
import time
import uuid
from collections.abc import Callable

from bench.roundtrips import RoundTrips, counting_client
from bench.usercache_invalidation import invalidation_figures
from libs.usercache import LocalProfiles, UserCache

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
REPEATS = 2000


def _median_ms(fn: Callable[[], object], repeats: int = REPEATS) -> float:
    for _ in range(50):
        fn()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def run() -> dict[str, float | int]:
    client = counting_client(REDIS_URL)
    prefix = f"bench:{uuid.uuid4().hex[:8]}:user:profile:"
    cache = UserCache(client, prefix=prefix)
    l1 = UserCache(client, prefix=prefix, local=LocalProfiles(max_size=1000, ttl=600))
    ids = [f"{n:024x}" for n in range(100)]
    profiles = [
        {"id": i, "nom": f"Nom{n}", "prenom": "Jean", "matricule": f"MAT{n}", "ministere": "MINFI"}
        for n, i in enumerate(ids)
    ]
    try:
        cache.set_many(profiles)
        with RoundTrips() as get_rt:
            assert len(cache.get_many(ids)) == 100
        with RoundTrips() as set_rt:
            cache.set(profiles[0])
        keys = [cache.key(i) for i in ids]

        def raw_pipeline() -> object:
            pipe = client.pipeline(transaction=False)
            for key in keys:
                pipe.hgetall(key)
            return pipe.execute()

        _warm(l1, ids)
        ours: list[float] = []
        raw: list[float] = []
        local: list[float] = []
        for _ in range(5):  # interleave rounds so all see the same machine load
            ours.append(_median_ms(lambda: cache.get_many(ids), REPEATS // 5))
            raw.append(_median_ms(raw_pipeline, REPEATS // 5))
            local.append(_median_ms(lambda: l1.get_many(ids), REPEATS // 5))
        ours_ms, raw_ms = statistics.median(ours), statistics.median(raw)
        l1_ms = statistics.median(local)
        assert l1.local_stats()["misses"] <= 200, "the L1 was not serving"
        return {
            **invalidation_figures(REDIS_URL, prefix),
            "usercache_l1_get_many_100_ms": round(l1_ms, 4),
            "usercache_l1_get_many_100_vs_raw_pipeline": round(l1_ms / raw_ms, 4),
            "usercache_get_many_100_roundtrips": get_rt.count,
            "usercache_set_roundtrips": set_rt.count,
            "usercache_get_many_100_ms": round(ours_ms, 4),
            "usercache_raw_pipeline_100_ms": round(raw_ms, 4),
            "usercache_get_many_100_vs_raw_pipeline": round(ours_ms / raw_ms, 3),
            "usercache_get_one_ms": round(_median_ms(lambda: cache.get(ids[0])), 4),
        }
    finally:
        l1.close()
        cache.delete(*ids)


def _warm(cache: UserCache, ids: list[str]) -> None:
    deadline = time.monotonic() + 10
    cache.get_many(ids)
    while cache.local is not None and not cache.local.active:
        assert time.monotonic() < deadline, "the L1 never subscribed to invalidations"
        time.sleep(0.01)
    assert len(cache.get_many(ids)) == len(ids)
