"""UserCache figures: round trips per operation and get_many(100) against a raw pipeline."""

from __future__ import annotations

import os
import statistics
import time
import uuid
from collections.abc import Callable

from bench.roundtrips import RoundTrips, counting_client
from libs.usercache import UserCache

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

        ours: list[float] = []
        raw: list[float] = []
        for _ in range(5):  # interleave rounds so both see the same machine load
            ours.append(_median_ms(lambda: cache.get_many(ids), REPEATS // 5))
            raw.append(_median_ms(raw_pipeline, REPEATS // 5))
        ours_ms, raw_ms = statistics.median(ours), statistics.median(raw)
        return {
            "usercache_get_many_100_roundtrips": get_rt.count,
            "usercache_set_roundtrips": set_rt.count,
            "usercache_get_many_100_ms": round(ours_ms, 4),
            "usercache_raw_pipeline_100_ms": round(raw_ms, 4),
            "usercache_get_many_100_vs_raw_pipeline": round(ours_ms / raw_ms, 3),
            "usercache_get_one_ms": round(_median_ms(lambda: cache.get(ids[0])), 4),
        }
    finally:
        cache.delete(*ids)
