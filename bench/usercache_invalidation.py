"""Cross-process invalidation delay: a write in this process → the L1 of another process drops
the entry. The reader (`python -m bench.usercache_invalidation URL PREFIX`) keeps a warm L1
and prints the monotonic time (system-wide on Linux) at which each invalidation is applied."""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable

import redis

from libs.usercache import LocalProfiles, UserCache

ROUNDS = 300


class _Signalling(LocalProfiles):
    """An L1 that tells the reader's main thread when an invalidation was applied."""

    def __init__(self) -> None:
        super().__init__(max_size=100, ttl=600)
        self.applied = threading.Event()
        self.at = 0.0

    def invalidate(self, keys: Iterable[str]) -> None:
        super().invalidate(keys)
        self.at = time.monotonic()
        self.applied.set()


def reader(url: str, prefix: str) -> None:
    local = _Signalling()
    cache = UserCache(redis.Redis.from_url(url), prefix=prefix, local=local)
    cache.get("u0")
    while not local.active:
        time.sleep(0.01)
    for line in sys.stdin:
        if line.strip() != "arm":
            break
        local.applied.clear()
        assert cache.get("u0") is not None and "u0" in local.lookup(["u0"])[0]
        print("armed", flush=True)
        local.applied.wait(5)
        print(f"{local.at:.9f}", flush=True)
    cache.close()


def invalidation_figures(url: str, prefix: str) -> dict[str, float]:
    writer = UserCache(redis.Redis.from_url(url), prefix=prefix)
    writer.set({"id": "u0", "nom": "Nom", "prenom": "Jean"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.usercache_invalidation", url, prefix],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    delays: list[float] = []
    try:
        for n in range(ROUNDS):
            proc.stdin.write("arm\n")
            proc.stdin.flush()
            assert proc.stdout.readline().strip() == "armed"
            started = time.monotonic()
            writer.set({"id": "u0", "nom": f"Nom{n}", "prenom": "Jean"})
            delays.append((float(proc.stdout.readline()) - started) * 1000)
    finally:
        proc.stdin.close()
        proc.wait(10)
        writer.delete("u0")
    delays.sort()
    return {
        "usercache_l1_invalidation_ms_p50": round(statistics.median(delays), 3),
        "usercache_l1_invalidation_ms_p99": round(delays[int(len(delays) * 0.99) - 1], 3),
    }


if __name__ == "__main__":
    reader(sys.argv[1], sys.argv[2])
