"""The invalidation listener under each concurrency model chat_file runs: threads, gevent,
eventlet (monkey patched in a fresh interpreter, as gunicorn's workers do)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.servers import ROOT

SCRIPT = """
import sys
mode, url, prefix = sys.argv[1:4]
if mode == "gevent":
    from gevent import monkey; monkey.patch_all()
elif mode == "eventlet":
    import eventlet; eventlet.monkey_patch()
import time, redis
from libs.usercache import LocalProfiles, UserCache

def wait(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)

local = LocalProfiles(max_size=10, ttl=60)
cache = UserCache(redis.Redis.from_url(url), prefix=prefix, local=local)
other = UserCache(redis.Redis.from_url(url), prefix=prefix)
other.set({"id": "u1", "nom": "Dupont", "prenom": "Jean"})
cache.get("u1")
wait(lambda: local.active)
assert cache.get("u1").full_name == "Jean Dupont"
assert "u1" in local.lookup(["u1"])[0]
other.set({"id": "u1", "nom": "Martin", "prenom": "Jean"})
wait(lambda: "u1" not in local.lookup(["u1"])[0])
assert cache.get("u1").full_name == "Jean Martin"
other.delete("u1")
cache.close()
print("ok", mode)
"""


@pytest.mark.parametrize("mode", ["threads", "gevent", "eventlet"])
def test_listener_keeps_the_l1_true_under(mode: str, redis_url: str, key_prefix: str) -> None:
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", SCRIPT, mode, redis_url, f"{key_prefix}p:"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == f"ok {mode}"
