"""auth_user figures: login latency (production argon2 cost) and read throughput under gunicorn,
Redis round trips per login and per refresh (in-process app with a counting client)."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable

import redis
import requests

from bench.roundtrips import RoundTrips, counting_client
from services.auth_user.app import create_app
from services.auth_user.settings import Settings
from tests.support.servers import ServiceProcess

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "Ngomna2026!"


def _median_ms(fn: Callable[[], object], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def _roundtrips(prefix: str, data_dir: str) -> dict[str, float | int]:
    settings = Settings(
        database_url=f"sqlite:///{data_dir}/roundtrips.db",  # cheap hashes stay in there
        app_env="test",
        redis_url=REDIS_URL,
        redis_key_prefix=prefix,
        user_cache_prefix=f"{prefix}user:profile:",
        seed_demo_users=True,
        password_time_cost=1,
        password_memory_cost=8,
        password_parallelism=1,
    )
    client = create_app(settings, redis_client=counting_client(REDIS_URL)).test_client()
    credentials = {"matricule": "MAT1001", "password": PASSWORD}
    client.post("/login", json=credentials)  # warm-up (script loading)
    with RoundTrips() as login_rt:
        tokens = client.post("/login", json=credentials).get_json()
    with RoundTrips() as refresh_rt:
        client.post("/refresh", json={"refreshToken": tokens["refreshToken"]})
    return {
        "auth_user_login_redis_roundtrips": login_rt.count,
        "auth_user_refresh_redis_roundtrips": refresh_rt.count,
    }


def _served(prefix: str, data_dir: str) -> dict[str, float | int]:
    env = {
        "DATABASE_URL": f"sqlite:///{data_dir}/served.db",  # demo users hashed at full cost
        "APP_ENV": "test",
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": prefix,
        "USER_CACHE_PREFIX": f"{prefix}user:profile:",
        "SEED_DEMO_USERS": "true",
        "LOGIN_MAX_ATTEMPTS_PER_IP": "100000",
        "ACCESS_LOG": "/dev/null",
    }
    service = ServiceProcess("auth_user", env=env).start()
    try:
        http = requests.Session()
        url = service.url
        credentials = {"matricule": "MAT1001", "password": PASSWORD}
        login_ms = _median_ms(lambda: http.post(f"{url}/login", json=credentials, timeout=5), 30)
        session = http.post(f"{url}/login", json=credentials, timeout=5).json()
        user_id = session["user"]["id"]
        http.headers["Authorization"] = f"Bearer {session['accessToken']}"  # reads need a caller
        count, started = 2000, time.perf_counter()
        for _ in range(count):
            http.get(f"{url}/{user_id}", timeout=5)
        rps = count / (time.perf_counter() - started)
        ids = {"ids": [user_id] + [f"{n:024x}" for n in range(99)]}
        batch_ms = _median_ms(lambda: http.post(f"{url}/batch", json=ids, timeout=5), 300)
    finally:
        service.stop()
    return {
        "auth_user_login_p50_ms_argon2_default": round(login_ms, 2),
        "auth_user_get_user_rps_1_thread": round(rps, 1),
        "auth_user_batch_100_p50_ms": round(batch_ms, 3),
    }


def run() -> dict[str, float | int]:
    prefix = f"bench:{uuid.uuid4().hex[:8]}:"
    try:
        with tempfile.TemporaryDirectory() as data_dir:  # never the repository's var/
            return {**_roundtrips(prefix + "a:", data_dir), **_served(prefix + "b:", data_dir)}
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        stale = list(client.scan_iter(match=f"{prefix}*", count=500))
        if stale:
            client.delete(*stale)
